import XCTest
import Foundation

/// End-to-end: the built `reverie` executable, as a user runs it.
final class CLITests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        // The test bundle sits next to the executable in .build/<config>/.
        var dir = Bundle.main.bundleURL
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("reverie")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("reverie")
    }

    @discardableResult
    func reverie(_ args: [String], expectStatus: Int32 = 0, in directory: URL = CLITests.repo,
                 file: StaticString = #filePath, line: UInt = #line) throws -> (out: String, err: String) {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        p.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let result = (String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
        XCTAssertEqual(p.terminationStatus, expectStatus, "reverie \(args.joined(separator: " ")):\n\(result.0)\n\(result.1)", file: file, line: line)
        return result
    }

    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
        return d
    }

    let small = ["--set", "populations.memory.size=150", "--set", "patterns.memories.count=6"]

    func testRunPrintsSummaryAndWritesResults() throws {
        let dir = try tempDir()
        let (out, _) = try reverie(["run", "models/hopfield-hebbian.yaml"] + small + ["--out", dir.path])
        XCTAssertTrue(out.contains("mean final overlap"), out)
        XCTAssertTrue(out.contains("events/s"), out)
        XCTAssertTrue(out.contains("final overlap per pattern"), out)
        let csv = try String(contentsOf: dir.appendingPathComponent("corrupted.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + 6 * 2)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("summary.json"))) as? [String: Any]
        XCTAssertEqual(json?["model"] as? String, "hopfield-hebbian")
    }

    func testSameSeedSameFilesDifferentSeedDifferentFiles() throws {
        let a = try tempDir(), b = try tempDir(), c = try tempDir()
        try reverie(["run", "models/hopfield-hebbian.yaml", "-q", "--seed", "5", "--out", a.path] + small)
        try reverie(["run", "models/hopfield-hebbian.yaml", "-q", "--seed", "5", "--out", b.path] + small)
        try reverie(["run", "models/hopfield-hebbian.yaml", "-q", "--seed", "6", "--out", c.path] + small)
        let ca = try Data(contentsOf: a.appendingPathComponent("corrupted.csv"))
        XCTAssertEqual(ca, try Data(contentsOf: b.appendingPathComponent("corrupted.csv")))
        XCTAssertNotEqual(ca, try Data(contentsOf: c.appendingPathComponent("corrupted.csv")))
    }

    func testBadInputGivesAClearErrorAndNonZeroExit() throws {
        let dir = try tempDir()
        let bad = dir.appendingPathComponent("bad.yaml")
        try "name: x\npopulations:\n  - name: m\n    size: lots\nprotocol: []\n".write(to: bad, atomically: true, encoding: .utf8)
        let (_, err) = try reverie(["validate", bad.path], expectStatus: 64)
        XCTAssertTrue(err.contains("bad.yaml:4: populations[0].size: expected an integer"), err)
        let (_, err2) = try reverie(["run", "models/hopfield-hebbian.yaml", "--set", "nonsense"], expectStatus: 64)
        XCTAssertTrue(err2.contains("--set nonsense: expected key=value"), err2)
        let (_, err3) = try reverie(["run", "no/such/model.yaml"], expectStatus: 64)
        XCTAssertTrue(err3.contains("no/such/model.yaml: expected a readable UTF-8 model file"), err3)
    }

    func testValidateListAndHelpTeach() throws {
        let (v, _) = try reverie(["validate", "models/hopfield-hebbian.yaml"])
        XCTAssertTrue(v.contains("protocol: learn-1 (learn) → exact (test) → corrupted (test)"), v)
        let (l, _) = try reverie(["list"])
        XCTAssertTrue(l.contains("hebbian") && l.contains("binary") && l.contains("test"), l)
        let (h, _) = try reverie(["--help"])
        XCTAssertTrue(h.contains("reverie run models/hopfield-hebbian.yaml"), h)
    }
}
