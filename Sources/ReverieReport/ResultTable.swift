import Foundation

/// A table of results: named columns, rows of numbers or text. Written as CSV
/// (RFC 4180 quoting) and as JSON arrays of rows.
public struct ResultTable: Sendable, Equatable, Codable {
    public enum Cell: Sendable, Equatable, Codable, CustomStringConvertible {
        case number(Double)
        case text(String)

        public var description: String {
            switch self {
            case .number(let x): return ResultTable.format(x)
            case .text(let s): return s
            }
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let x = try? c.decode(Double.self) { self = .number(x) } else { self = .text(try c.decode(String.self)) }
        }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .number(let x): if x.isFinite { try c.encode(x) } else { try c.encode(String(x)) }
            case .text(let s): try c.encode(s)
            }
        }
    }

    public var columns: [String]
    public private(set) var rows: [[Cell]] = []

    public init(columns: [String]) { self.columns = columns }

    public mutating func append(_ row: [Cell]) {
        precondition(row.count == columns.count, "row has \(row.count) cells for \(columns.count) columns")
        rows.append(row)
    }

    public mutating func append(_ numbers: [Double]) { append(numbers.map { .number($0) }) }

    /// The numbers of one column (text cells are skipped).
    public func column(_ name: String) -> [Double] {
        guard let k = columns.firstIndex(of: name) else { return [] }
        return rows.compactMap { if case .number(let x) = $0[k] { return x } else { return nil } }
    }

    public var csv: String {
        func quote(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var out = columns.map(quote).joined(separator: ",") + "\n"
        for r in rows { out += r.map { quote($0.description) }.joined(separator: ",") + "\n" }
        return out
    }

    /// Shortest text that reads back to the same Double (deterministic across runs).
    public static func format(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }
}
