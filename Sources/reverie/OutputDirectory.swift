import Foundation
import ReverieSpec

/// Writes run results into a directory; each file is written atomically so an
/// interrupted run never leaves a half-written result.
struct OutputDirectory {
    let url: URL

    init(_ path: String) throws {
        url = URL(fileURLWithPath: path)
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        catch { throw OutputError("cannot create output directory \(path): \(error.localizedDescription)") }
    }

    /// Writes `name` (one path component: it never leaves the directory).
    func write(_ text: String, to name: String) throws {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw OutputError("cannot write \"\(name)\" into \(url.path): not a plain file name")
        }
        do { try Data(text.utf8).write(to: url.appendingPathComponent(name), options: .atomic) }
        catch { throw OutputError("cannot write \(url.appendingPathComponent(name).path): \(error.localizedDescription)") }
    }

    func write(report: RunReport, results: [PhaseResult], phases: [String]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n", to: "summary.json")
        for (k, r) in results.enumerated() {
            if let table = r.table { try write(table.csv, to: "\(phases[k]).csv") }
        }
    }
}

struct OutputError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
