import XCTest
import Foundation

/// Golden checksums (Auryn's habit): every model in models/, shrunk where long,
/// run at a fixed seed through the CLI with a full trace and --out; the trace,
/// summary.json (without wall-clock figures and human lines) and every CSV must
/// hash to the values in Tests/Golden/checksums.json. A commit that changes one
/// on purpose names the fix and updates the file (`REVERIE_UPDATE_GOLDEN=1 swift test
/// --filter testEveryModelMatchesItsGoldenChecksums` rewrites it).
enum Golden {
    struct Case: Codable {
        var model: String
        var args: [String]
        var checksums: [String: String]
    }

    static let file = CLITests.repo.appendingPathComponent("Tests/Golden/checksums.json")

    /// FNV-1a, 64 bits, as hex.
    static func fnv1a(_ bytes: some Sequence<UInt8>) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(format: "%016llx", h)
    }

    /// summary.json without what differs between identical runs: wall-clock
    /// times, rates per wall-clock second, and the human-readable lines.
    static func canonicalSummary(_ data: Data) throws -> Data {
        func scrub(_ v: Any) -> Any {
            if let d = v as? [String: Any] {
                var out: [String: Any] = [:]
                for (k, x) in d {
                    let key = k.lowercased()
                    if key.contains("seconds") || key.contains("per_second") || key.contains("persecond") || key == "lines"
                        || key == "software_version" { continue }
                    out[k] = scrub(x)
                }
                return out
            }
            if let a = v as? [Any] { return a.map(scrub) }
            return v
        }
        let object = try JSONSerialization.jsonObject(with: data)
        return try JSONSerialization.data(withJSONObject: scrub(object), options: [.sortedKeys])
    }

}

extension CLITests {
    func goldenChecksums(of c: Golden.Case, in dir: URL) throws -> [String: String] {
        let out = dir.appendingPathComponent("out"), trace = dir.appendingPathComponent("run.rvt")
        try reverie(["run", c.model, "-q", "--out", out.path, "--record", trace.path, "--record-streams", "all",
                         "--weights-every", "phase"] + c.args)
        var sums = ["trace": Golden.fnv1a(try Data(contentsOf: trace)),
                    "summary.json": Golden.fnv1a(try Golden.canonicalSummary(Data(contentsOf: out.appendingPathComponent("summary.json"))))]
        for name in try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() where name.hasSuffix(".csv") {
            sums[name] = Golden.fnv1a(try Data(contentsOf: out.appendingPathComponent(name)))
        }
        return sums
    }

    func testEveryModelMatchesItsGoldenChecksums() throws {
        let cases = try JSONDecoder().decode([Golden.Case].self, from: Data(contentsOf: Golden.file))
        let models = try FileManager.default.contentsOfDirectory(atPath: CLITests.repo.appendingPathComponent("models").path)
            .filter { $0.hasSuffix(".yaml") }.map { "models/" + $0 }
        XCTAssertEqual(Set(cases.map(\.model)), Set(models), "every model file has a golden case")
        let update = ProcessInfo.processInfo.environment["REVERIE_UPDATE_GOLDEN"] == "1"
        var updated = cases
        for (k, c) in cases.enumerated() {
            let actual = try goldenChecksums(of: c, in: try tempDir())
            updated[k].checksums = actual
            if !update { XCTAssertEqual(actual, c.checksums, "\(c.model) \(c.args.joined(separator: " "))") }
        }
        if update {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            try (e.encode(updated) + Data("\n".utf8)).write(to: Golden.file)
        }
    }
}
