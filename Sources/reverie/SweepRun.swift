import ReverieReport
import ReverieSpec

/// What one model run of a sweep produced: its seed, each phase's name,
/// summary (in the phase's order) and table.
struct SweepRun: Sendable {
    var searchValue: Int?
    var seed: UInt64
    var phases: [String]
    var summaries: [[(key: String, value: Double)]]
    var tables: [ResultTable?]

    /// Runs `spec` once with `seed` through `ModelRunner`.
    init(spec: ModelSpec, seed: UInt64, searchValue: Int?) throws {
        let runner = try ModelRunner(model: spec, seed: seed)
        let report = try runner.run()
        self.searchValue = searchValue
        self.seed = seed
        phases = report.phases.map(\.name)
        summaries = runner.results.map(\.summary)
        tables = runner.results.map(\.table)
    }

    init(searchValue: Int?, seed: UInt64, phases: [String], summaries: [[(key: String, value: Double)]], tables: [ResultTable?]) {
        self.searchValue = searchValue; self.seed = seed; self.phases = phases; self.summaries = summaries; self.tables = tables
    }

    /// The summary value `<phase>.<key>`, if the run reported it.
    func value(_ column: String) -> Double? {
        for (k, phase) in phases.enumerated() where column.hasPrefix(phase + ".") {
            let key = column.dropFirst(phase.count + 1)
            if let v = summaries[k].first(where: { $0.key == key }) { return v.value }
        }
        return nil
    }
}
