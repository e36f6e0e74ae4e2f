import Foundation
import ReverieTraces

/// The plain files beside the HDF5 ones: JSON configs and the SONATA CSV
/// dialect, written inside the user's directory without following symbolic
/// links (`FileAccess`).
enum SONATAFiles {
    /// Creates the directories of `relative` (components separated by `/`) inside `directory`.
    static func makeDirectory(_ relative: String, in directory: String) throws -> String {
        var path = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        for part in relative.split(separator: "/") { path = try FileAccess.makeSubdirectory(String(part), in: path) }
        return path
    }

    /// Pretty JSON with sorted keys (the same value gives the same bytes), ending in a newline.
    static func writeJSON(_ value: Any, to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try FileAccess.writeFile(Array(data) + [0x0A], to: path)
    }

    /// The SONATA CSV dialect: fields separated by one space, a field with a
    /// space or a quote (or an empty one) quoted with `"`, quotes doubled;
    /// UNIX line ends.
    static func writeCSV(_ rows: [[String]], to path: String) throws {
        func field(_ s: String) -> String {
            s.isEmpty || s.contains(where: { $0 == " " || $0 == "\"" || $0.isNewline })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        try FileAccess.writeFile(Array(rows.map { $0.map(field).joined(separator: " ") + "\n" }.joined().utf8), to: path)
    }
}
