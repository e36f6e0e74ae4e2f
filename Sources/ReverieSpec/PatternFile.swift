import Foundation
import ReverieKernel

/// Patterns from a text file: one pattern per line, values ±1 (or 0/1, read as
/// −1/+1) separated by commas or spaces; `#` starts a comment.
public enum PatternFile {
    /// The patterns of `url` for a population of `size` units; errors name the
    /// file and line, or the pattern set's `file` field (`node`).
    public static func read(_ url: URL, size: Int, node: SpecNode) throws -> PatternSet {
        let file = node["file"]!
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw file.error(expected: "a readable pattern file (\(url.path))")
        }
        var values: [Double] = []
        var count = 0
        for (k, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let cells = line.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == "\r" })
            if cells.isEmpty { continue }
            guard cells.count == size else {
                throw ModelError(file: url.path, line: k + 1, path: "pattern \(count)",
                                 expected: "\(size) values (the population size)", found: "\(cells.count)")
            }
            for c in cells {
                switch c {
                case "1", "+1": values.append(1)
                case "-1", "0": values.append(-1)
                default:
                    throw ModelError(file: url.path, line: k + 1, path: "pattern \(count)", expected: "values ±1 or 0/1", found: "\"\(c)\"")
                }
            }
            count += 1
        }
        guard count > 0 else { throw ModelError(file: url.path, path: "", expected: "at least one pattern") }
        return PatternSet(count: count, size: size, values: values)
    }
}
