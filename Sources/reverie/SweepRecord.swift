import Foundation
import ReverieSpec

/// `sweep.json`: what a sweep ran, enough to run it again: the sweep file, each
/// part's model, fixed overrides, grid, repeats, seeds, search and files. It
/// holds no times or absolute paths, so the same command writes the same bytes.
struct SweepRecord: Codable {
    struct Axis: Codable {
        var column: String
        var values: [String]
        /// Each field the axis sets and its values (one field for a plain axis).
        var fields: [Field]
    }

    struct Field: Codable {
        var path: String
        var values: [String]
    }

    struct Search: Codable {
        var field: String
        var column: String
        var range: [Int]
        var condition: String
        var method: String
    }

    struct Part: Codable {
        var name: String
        /// Where the part's files are, relative to the output directory ("." for a one-part sweep).
        var directory: String
        /// The model file, as written in the sweep file (relative to it) or given on the command line.
        var model: String
        var modelName: String
        /// Every fixed override, the sweep file's then the command line's.
        var set: [String]
        var grid: [Axis]
        var order: String
        var repeats: Int
        /// The base seed S (repeat r runs with S + r); `baseSeeds` per grid point when they differ.
        var baseSeed: UInt64?
        var baseSeeds: [UInt64]?
        var search: Search?
        var runs: Int
        var files: [String]
    }

    struct Software: Codable {
        var name: String
        /// The model-file schema version this build reads.
        var modelSchema: Int
    }

    var sweep: String?
    var description: String?
    /// The command line's `--set` overrides (already included in each part's `set`).
    var overrides: [String]
    var parts: [Part]
    var plots: [String]
    var software: Software

    static let order = "grid points row-major (first axis slowest, last fastest), repeats 0…R−1 innermost; repeat r runs with seed S + r"

    init(plan: SweepPlan, overrides: [String], runs: [Int], files: [[String]], plots: [String]) {
        let sweep = plan.sweep
        self.sweep = sweep.file
        description = sweep.description
        self.overrides = overrides
        self.plots = plots
        software = Software(name: "reverie", modelSchema: ModelSpec.schemaVersion)
        parts = sweep.parts.enumerated().map { p, part in
            let seeds = plan.baseSeeds[p]
            let uniform = Set(seeds).count == 1
            return Part(name: part.name, directory: sweep.multiPart ? part.name : ".", model: part.model, modelName: plan.modelNames[p],
                        set: part.set, grid: part.grid.map { a in Axis(column: a.column, values: a.values, fields: a.fields.map { Field(path: $0.path, values: $0.values) }) },
                        order: Self.order, repeats: part.repeats, baseSeed: uniform ? seeds[0] : nil, baseSeeds: uniform ? nil : seeds,
                        search: part.search.map { Search(field: $0.field, column: $0.column, range: [$0.range.lowerBound, $0.range.upperBound],
                                                         condition: $0.condition.description,
                                                         method: "bisection: smallest value with the condition true and value − 1 false") },
                        runs: runs[p], files: files[p])
        }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
