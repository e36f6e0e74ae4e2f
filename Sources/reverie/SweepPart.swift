import ReverieReport
import ReverieSpec

/// One grid of runs of one model file: fixed overrides, the grid axes, repeats,
/// a base seed and an optional search. A sweep file without `parts:` is one part;
/// with `parts:` each part writes into its own subdirectory.
///
/// Order (fixed): grid points in row-major order, the first axis varying slowest
/// and the last fastest; at each point, repeats 0 … R−1. Repeat r runs with seed
/// S + r, S the part's `seed` (or `--seed`), else the model file's seed.
struct SweepPart: Sendable {
    var name: String
    /// The model path as written in the sweep file (or given on the command line).
    var model: String
    /// The model path to open (resolved against the sweep file's directory).
    var modelPath: String
    /// Fixed overrides `path=value`, applied in order before the grid's.
    var set: [String]
    var grid: [SweepAxis]
    var repeats: Int
    var seed: UInt64?
    var search: SweepSearch?
    /// Plots of this part's tables; nil: the default plots.
    var plots: [SweepPlot]?

    /// Adds a fixed override `path=value`, replacing an earlier one of the same field.
    mutating func fix(_ assignment: String) {
        let key = assignment.prefix { $0 != "=" }
        set.removeAll { $0.prefix { $0 != "=" } == key }
        set.append(assignment)
    }

    var pointCount: Int { grid.reduce(1) { $0 * $1.values.count } }

    /// The value index on each axis of grid point `k`.
    func point(_ k: Int) -> [Int] {
        var rest = k, index = [Int](repeating: 0, count: grid.count)
        for a in grid.indices.reversed() {
            index[a] = rest % grid[a].values.count
            rest /= grid[a].values.count
        }
        return index
    }

    /// Every override of a run at grid point `point` (and search value): the
    /// fixed ones, then each axis's fields, then the searched field.
    func overrides(point: [Int], searchValue: Int? = nil) -> [String] {
        var all = set
        for (a, k) in zip(grid, point) { all += a.overrides(at: k) }
        if let search, let v = searchValue { all.append("\(search.field)=\(v)") }
        return all
    }

    /// `column=value` of each axis at a grid point, for messages.
    func describe(point: [Int]) -> String {
        zip(grid, point).map { "\($0.column)=\($0.values[$1])" }.joined(separator: ", ")
    }

    /// The columns written before the results: each axis (then the fields of a
    /// linked axis, whose values differ from the axis's), the searched field, repeat and seed.
    var keyColumns: [String] {
        var cols: [String] = []
        for a in grid { cols += [a.column] + Self.extraFields(a).map(\.path) }
        if let search { cols.append(search.column) }
        return cols + ["repeat", "seed"]
    }

    /// The cells of `keyColumns` for one run.
    func keyCells(point: [Int], repeat r: Int, seed: UInt64, searchValue: Int?) -> [ResultTable.Cell] {
        var cells: [ResultTable.Cell] = []
        for (a, k) in zip(grid, point) { cells += ([a.values[k]] + Self.extraFields(a).map { $0.values[k] }).map(SweepAxis.cell) }
        if search != nil { cells.append(searchValue.map { .number(Double($0)) } ?? .text("")) }
        return cells + [.number(Double(r)), .text(String(seed))]
    }

    private static func extraFields(_ a: SweepAxis) -> [SweepAxis.Field] { a.fields.filter { $0.values != a.values } }
}
