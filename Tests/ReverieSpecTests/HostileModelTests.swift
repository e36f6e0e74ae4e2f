import XCTest
import Foundation
import ReverieKernel
import ReverieModels
import ReverieSpec

/// Model files that used to abort or trap (issue 14): every one is refused when it
/// is validated, with the file, a line or override, the field path and what it needs.
final class HostileModelTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func refusal(_ model: String, _ overrides: [String], limit: Double = 8e9) -> String {
        do {
            _ = try ModelSpec.load(path: Self.repo.appendingPathComponent(model).path, overrides: overrides, memoryLimit: limit)
            return "no error"
        } catch { return "\(error)" }
    }

    func testModelsThatWouldExhaustTheMemoryAreRefusedNamingTheFieldAndTheBytes() {
        let cases: [(String, [String], String, String)] = [
            ("models/hopfield-hebbian.yaml", ["populations.memory.size=50000000"], "projections[0].connectivity", "2e+04 TB"),
            ("models/hopfield-hebbian.yaml", ["patterns.memories.count=10000000"], "patterns[0].count", "160 GB"),
            ("models/hopfield-hebbian.yaml", ["patterns.memories.load=1e6"], "patterns[0].load", "at most 10000000 patterns"),
            ("models/brette-benchmark4.yaml", ["projections[0].delay=1e9"], "projections[0].delay", "64 GB"),
            ("models/brette-benchmark4.yaml", ["populations[0].size=40000000", "projections[0].connectivity=all_to_all"],
             "projections[0]", "synapses per projection"),
            ("models/pc-hopfield.yaml", ["populations.memory.size=1000000"], "populations[0].size", "8 TB"),
        ]
        for (model, overrides, path, need) in cases {
            let message = refusal(model, overrides)
            XCTAssertTrue(message.contains(path) && message.contains(need), "\(overrides): \(message)")
        }
        // The same model fits when the limit is raised, and the shipped models fit in 1 GB.
        XCTAssertEqual(refusal("models/hopfield-hebbian.yaml", ["patterns.memories.count=10000000"], limit: 1e12), "no error")
        for model in ["hopfield-hebbian", "hopfield-unlearning", "brette-benchmark4", "pc-hopfield", "stdp-poisson"] {
            XCTAssertEqual(refusal("models/\(model).yaml", [], limit: 1e9), "no error", model)
        }
    }

    func testTimeScalesThatWouldTrapTheSlotArithmeticAreRefused() {
        XCTAssertTrue(refusal("models/brette-benchmark4.yaml", ["populations[0].t_ref=1e-300"]).contains("populations[0].t_ref"))
        XCTAssertTrue(refusal("models/brette-benchmark4.yaml", ["projections[0].delay=1e-300"]).contains("projections[0].delay"))
        XCTAssertTrue(refusal("models/brette-benchmark4.yaml", ["spiking.queue=heap", "projections[0].delay=1e-6",
                                                                 "protocol[0].duration=1e12"]).contains("protocol[0].duration"))
    }

    func testEveryTextProblemHasALine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func error(_ bytes: [UInt8]) throws -> String {
            let url = dir.appendingPathComponent("m.yaml")
            try Data(bytes).write(to: url)
            do { _ = try ModelSpec.load(path: url.path); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(try error([]).hasSuffix("m.yaml:1: expected a YAML mapping, found an empty file"))
        XCTAssertTrue(try error(Array("name: x\nseed: 1\n".utf8) + [0xff, 0xfe]).contains("m.yaml:3: expected UTF-8 text"))
        let dup = try error(Array("name: x\npopulations:\n  - name: m\n    size: 3\n    size: 4\nprotocol: [{phase: run}]\n".utf8))
        XCTAssertTrue(dup.contains("m.yaml:5: populations[0].size: expected each field once"), dup)
        XCTAssertTrue(try error(Array("name: [x\n".utf8)).contains("m.yaml:2: expected valid YAML"))
        for (path, found) in [(dir.path, "a directory"), ("/dev/null", "not a regular file"), (dir.path + "/none.yaml", "no such file")] {
            do { _ = try ModelSpec.load(path: path); XCTFail(path) } catch { XCTAssertTrue("\(error)".contains(found), "\(error)") }
        }
    }

    /// Phase names become file names (<phase>.csv): one safe component, each used once.
    func testPhaseNamesThatWouldEscapeOrCollideAreRefused() throws {
        for (names, expected) in [(["../x", "a"], "protocol[0].name: expected a phase name without /"), (["a", "a"], "protocol[1].name: expected a unique phase name"),
                                  ([".hidden", "a"], "protocol[0].name")] {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-phases-\(UUID().uuidString).yaml")
            try "name: x\npopulations: [{name: m, size: 3}]\nprotocol: [{phase: run, name: \"\(names[0])\"}, {phase: run, name: \(names[1])}]\n"
                .write(to: url, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: url) }
            XCTAssertThrowsError(try ModelSpec.load(path: url.path)) { XCTAssertTrue("\($0)".contains(expected), "\($0)") }
        }
    }

    func testPatternFilesAreReadWhenTheModelIsValidatedAndAbsolutePathsStayAbsolute() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-patterns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let patterns = dir.appendingPathComponent("p.txt")
        try "1 -1 1 -1\n-1 -1 1 1\n".write(to: patterns, atomically: true, encoding: .utf8)
        let model = """
            name: files
            populations: [{name: m, size: 4}]
            patterns: [{name: p, population: m, file: \(patterns.path)}]
            protocol: [{phase: run}]
            """
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-model-\(UUID().uuidString).yaml")
        try model.write(to: elsewhere, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let spec = try ModelSpec.load(path: elsewhere.path)
        guard case .file(let url, let set) = spec.patterns[0].source else { return XCTFail("not a file") }
        XCTAssertEqual(url.path, patterns.path)
        XCTAssertEqual(set.count, 2)
        try FileManager.default.removeItem(at: patterns)
        XCTAssertThrowsError(try ModelSpec.load(path: elsewhere.path)) { XCTAssertTrue("\($0)".contains("patterns[0].file"), "\($0)") }
    }
}
