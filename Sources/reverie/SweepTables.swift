import ReverieReport

/// A part's result tables, built from its task results in task order:
/// - `runs`: one row per model run: the key columns (grid values, searched
///   value, repeat, seed), then every phase summary value as `<phase>.<key>`
///   (phases in protocol order, keys in the order the phase reports them; a
///   value a run did not report, e.g. D_fin not reached, is empty);
/// - `search` (with a search): one row per grid point × repeat: the key columns
///   with the value found (empty if none), `found`, `evaluations`, and the
///   summary of the run at the value found;
/// - one table per phase that has one: the key columns prepended to each row
///   (a table column named like a key column is renamed `<phase>.<column>`).
struct SweepTables {
    private(set) var tables: [String: ResultTable] = [:]
    /// Table names in the order they are written.
    private(set) var names: [String] = []

    init(part: SweepPart, tasks: [SweepTask], results: [SweepTask.Result]) {
        let key = part.keyColumns
        let runs = zip(tasks, results).flatMap { task, result in result.runs.map { (task, $0) } }
        let summary = Self.summaryColumns(runs.map(\.1))
        var table = ResultTable(columns: key + summary.map(\.column))
        for (task, run) in runs {
            table.append(part.keyCells(point: task.point, repeat: task.repeatIndex, seed: run.seed, searchValue: run.searchValue)
                         + Self.cells(run, summary))
        }
        add("runs", table)

        if part.search != nil {
            let found = results.compactMap(\.foundRun)
            let foundSummary = Self.summaryColumns(found)
            var search = ResultTable(columns: key + ["found", "evaluations"] + foundSummary.map(\.column))
            for (task, result) in zip(tasks, results) {
                let run = result.foundRun
                search.append(part.keyCells(point: task.point, repeat: task.repeatIndex, seed: result.runs[0].seed, searchValue: result.found)
                              + [.number(result.found == nil ? 0 : 1), .number(Double(result.runs.count))]
                              + (run.map { Self.cells($0, foundSummary) } ?? foundSummary.map { _ in .text("") }))
            }
            add("search", search)
        }

        var phaseNames: [String] = []
        for (_, run) in runs { for (k, p) in run.phases.enumerated() where run.tables[k] != nil && !phaseNames.contains(p) { phaseNames.append(p) } }
        for phase in phaseNames {
            var columns: [String] = []
            for (_, run) in runs {
                guard let k = run.phases.firstIndex(of: phase), let t = run.tables[k] else { continue }
                for c in t.columns where !columns.contains(c) { columns.append(c) }
            }
            // A table column named like a key column (e.g. sleep_time) is written as <phase>.<column>.
            var merged = ResultTable(columns: key + columns.map { key.contains($0) ? "\(phase).\($0)" : $0 })
            for (task, run) in runs {
                guard let k = run.phases.firstIndex(of: phase), let t = run.tables[k] else { continue }
                let keyCells = part.keyCells(point: task.point, repeat: task.repeatIndex, seed: run.seed, searchValue: run.searchValue)
                let index = columns.map { t.columns.firstIndex(of: $0) }
                for row in t.rows { merged.append(keyCells + index.map { $0.map { row[$0] } ?? .text("") }) }
            }
            add(phase, merged)
        }
    }

    private mutating func add(_ name: String, _ table: ResultTable) {
        tables[name] = table
        names.append(name)
    }

    /// The `<phase>.<key>` columns of a set of runs: phases in order of first
    /// appearance, then keys in order of first appearance within the phase.
    static func summaryColumns(_ runs: [SweepRun]) -> [(column: String, phase: String, key: String)] {
        var phases: [(name: String, keys: [String])] = []
        for run in runs {
            for (k, p) in run.phases.enumerated() {
                if !phases.contains(where: { $0.name == p }) { phases.append((p, [])) }
                let i = phases.firstIndex { $0.name == p }!
                for (key, _) in run.summaries[k] where !phases[i].keys.contains(key) { phases[i].keys.append(key) }
            }
        }
        return phases.flatMap { p in p.keys.map { ("\(p.name).\($0)", p.name, $0) } }
    }

    static func cells(_ run: SweepRun, _ columns: [(column: String, phase: String, key: String)]) -> [ResultTable.Cell] {
        columns.map { c in
            guard let k = run.phases.firstIndex(of: c.phase), let v = run.summaries[k].first(where: { $0.key == c.key }) else { return .text("") }
            return .number(v.value)
        }
    }
}
