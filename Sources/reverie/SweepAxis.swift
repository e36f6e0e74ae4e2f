import ArgumentParser
import Foundation
import ReverieReport
import ReverieSpec

/// One axis of a sweep's grid: a column of the outputs and, at each of its
/// values, the model fields it sets.
///
/// In a sweep file an axis is written one of three ways:
///
///     patterns.memories.count: [100, 150, 200]     # column = the field path
///     alpha: {field: patterns.memories.load, values: [0.1, 0.2]}
///     flipped_bits:                                # linked: several fields move together
///       values: [0, 5, 10]
///       fields: {protocol.corrupted.initial_overlap: [1, 0.9, 0.8]}
///
/// Values are YAML text: numbers, strings or inline lists (`[0.6, 0.8]`, for a
/// model field that is a list), passed to the model as `--set path=value`.
struct SweepAxis: Sendable, Equatable {
    var column: String
    var values: [String]
    /// Each field the axis sets, with its value at each of `values` (same count).
    var fields: [Field]

    struct Field: Sendable, Equatable {
        var path: String
        var values: [String]
    }

    /// An axis over one field whose column is the field path.
    init(field: String, values: [String]) {
        column = field
        self.values = values
        fields = [Field(path: field, values: values)]
    }

    init(column: String, values: [String], fields: [Field]) {
        self.column = column; self.values = values; self.fields = fields
    }

    /// Reads the axis `key: node` of a sweep file's `grid:`.
    init(key: String, node: SpecNode) throws {
        if case .sequence = node.kind {
            self.init(field: key, values: try Self.values(node))
            return
        }
        try node.checkKeys(["field", "values", "fields"])
        let values = try Self.values(try node.require("values", "a list of values"))
        if let field = node["field"] {
            guard node["fields"] == nil else { throw field.error(expected: "either field: or fields:, not both") }
            self.init(column: key, values: values, fields: [Field(path: try field.string(), values: values)])
            return
        }
        let map = try node.require("fields", "field: PATH, or fields: {PATH: [one value per value], …}")
        var fields: [Field] = []
        for (path, list) in try map.mapping() {
            let v = try Self.values(list)
            guard v.count == values.count else { throw list.error(expected: "\(values.count) values, one per value of \(key)") }
            fields.append(Field(path: path, values: v))
        }
        guard !fields.isEmpty else { throw map.error(expected: "at least one field") }
        self.init(column: key, values: values, fields: fields)
    }

    /// The override `path=value` of every field at value `index`.
    func overrides(at index: Int) -> [String] { fields.map { "\($0.path)=\($0.values[index])" } }

    /// Whether the axis sets `path` (so a `--set` of it would have no effect).
    func sets(_ path: String) -> Bool { fields.contains { $0.path == path } }

    /// The axis with only the given values, for `--grid` on a linked axis: each
    /// must be one of its values (compared as numbers when both are numbers).
    func selecting(_ chosen: [String]) throws -> SweepAxis {
        var picked: [Int] = []
        for c in chosen {
            guard let k = values.firstIndex(where: { Self.same($0, c) }) else {
                throw ValidationError("--grid \(column): \(c) is not one of its values \(values.joined(separator: ", ")) "
                                 + "(a linked axis sets several fields per value; choose among them)")
            }
            picked.append(k)
        }
        return SweepAxis(column: column, values: picked.map { values[$0] },
                         fields: fields.map { f in Field(path: f.path, values: picked.map { f.values[$0] }) })
    }

    static func same(_ a: String, _ b: String) -> Bool {
        if let x = Double(a), let y = Double(b) { return x == y }
        return a == b
    }

    /// The cell a value is written as: a number when it is a finite decimal number.
    static func cell(_ value: String) -> ResultTable.Cell {
        if value.allSatisfy({ "0123456789+-.eE".contains($0) }), let x = Double(value), x.isFinite { return .number(x) }
        return .text(value)
    }

    /// A list of grid values: scalars as written, lists and mappings as inline YAML.
    static func values(_ node: SpecNode) throws -> [String] {
        let items = try node.sequence()
        guard !items.isEmpty else { throw node.error(expected: "at least one value") }
        return try items.map { item in
            switch item.kind {
            case .scalar(let s): return s
            case .sequence, .mapping: return item.json
            case .null: throw item.error(expected: "a value (a number, text or an inline list)")
            }
        }
    }

    /// Splits `--grid` values at commas outside brackets: `[0.6,0.8],[0.8]` is two values.
    static func splitValues(_ text: String) -> [String] {
        var out: [String] = [], current = "", depth = 0
        for ch in text {
            switch ch {
            case "[", "{": depth += 1
            case "]", "}": depth -= 1
            case "," where depth == 0:
                out.append(current.trimmingCharacters(in: .whitespaces)); current = ""; continue
            default: break
            }
            current.append(ch)
        }
        out.append(current.trimmingCharacters(in: .whitespaces))
        return out
    }
}
