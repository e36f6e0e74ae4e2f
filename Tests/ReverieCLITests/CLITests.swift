import XCTest
import Foundation

/// End-to-end: the built `reverie` executable, as a user runs it.
final class CLITests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A built executable of the package (the test bundle sits next to them in .build/<config>/).
    static func executable(_ name: String) -> URL {
        var dir = Bundle.main.bundleURL
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
    }

    static var binary: URL { executable("reverie") }

    /// Runs `reverie-bench` (the benchmarks beside the tool).
    @discardableResult
    func bench(_ args: [String], file: StaticString = #filePath, line: UInt = #line) throws -> (out: String, err: String) {
        try reverie(args, executable: Self.executable("reverie-bench"), file: file, line: line)
    }

    @discardableResult
    func reverie(_ args: [String], expectStatus: Int32 = 0, executable: URL = CLITests.binary, in directory: URL = CLITests.repo,
                 file: StaticString = #filePath, line: UInt = #line) throws -> (out: String, err: String) {
        let p = Process()
        p.executableURL = executable
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
        let (_, err) = try reverie(["validate", bad.path], expectStatus: 65)
        XCTAssertTrue(err.contains("bad.yaml:4: populations[0].size: expected an integer"), err)
        XCTAssertFalse(err.contains("USAGE"), "model-file errors come without the usage text: \(err)")
        let (_, err2) = try reverie(["run", "models/hopfield-hebbian.yaml", "--set", "nonsense"], expectStatus: 64)
        XCTAssertTrue(err2.contains("--set nonsense: expected key=value"), err2)
        let (_, err3) = try reverie(["run", "no/such/model.yaml"], expectStatus: 65)
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

extension CLITests {
    /// models/README.md's unit-model table is what the registry says (`reverie list --markdown`).
    func testUnitModelTableInTheSchemaIsGeneratedFromTheRegistry() throws {
        let (table, _) = try reverie(["list", "--markdown"])
        let readme = try String(contentsOf: Self.repo.appendingPathComponent("models/README.md"), encoding: .utf8)
        let begin = try XCTUnwrap(readme.range(of: "<!-- unit-models:begin -->\n")), end = try XCTUnwrap(readme.range(of: "<!-- unit-models:end -->"))
        XCTAssertEqual(String(readme[begin.upperBound..<end.lowerBound]), table,
                       "regenerate the table in models/README.md with `reverie list --markdown`")
        XCTAssertTrue(table.contains("| spiking | `lif` | `tau_m` | ms |"), table)
    }
}

extension CLITests {
    /// Issue-13 habits: --version; summary.json with version, overrides and the effective model in snake_case,
    /// non-finite values as null (a silent population's CV) instead of losing the output; --quiet is quiet;
    /// progress lines when stderr is not a terminal.
    func testReportsVersionOverridesAndNonFiniteValuesAndQuietIsQuiet() throws {
        let (version, _) = try reverie(["--version"])
        XCTAssertFalse(version.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        let dir = try tempDir()
        let (out, _) = try reverie(["run", "models/brette-benchmark4.yaml", "-q", "--set", "protocol[0].duration=20",
                                    "--set", "populations[0].size=400", "--set", "populations[1].size=100", "--out", dir.path])
        XCTAssertFalse(out.contains("mean CV of ISIs"), "--quiet prints only the final summary: \(out)")
        XCTAssertTrue(out.contains("simulated time 20 ms"), out)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("summary.json"))) as! [String: Any]
        XCTAssertEqual(json["software_version"] as? String, version.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(json["overrides"] as? [String], ["protocol[0].duration=20", "populations[0].size=400", "populations[1].size=100"])
        XCTAssertEqual(((json["effective_model"] as? [String: Any])?["populations"] as? [[String: Any]])?.first?["size"] as? Int, 400)
        XCTAssertNotNil(json["synaptic_events"])
        XCTAssertNil(json["synapticEvents"])
        let summary = ((json["phases"] as? [[String: Any]])?.first?["summary"] as? [String: Any]) ?? [:]
        XCTAssertTrue(summary["exc.cv_isi"] is NSNull, "a CV over no ISIs is null: \(summary)")
        let (_, err) = try reverie(["run", "models/hopfield-unlearning.yaml", "--set", "protocol[2].dreams=3000",
                                    "--set", "populations.memory.size=200", "--progress-every", "0.2"])
        XCTAssertTrue(err.contains("progress: dreaming (3/4)") && err.contains("ETA"), err)
    }
}
