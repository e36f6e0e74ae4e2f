import Foundation
import ReverieReport

/// Writes a finished sweep: per part (in `<out>/<part>/` for a multi-part sweep)
/// `runs.csv`, `search.csv`, `<phase>.csv` and the plots; then the top-level
/// plots and `sweep.json`. Tables are written before plots, so a plot that
/// names a missing column fails after the data is safe.
struct SweepWriter {
    let plan: SweepPlan
    let results: [SweepTask.Result]
    let out: String
    let overrides: [String]

    /// Writes everything; returns the paths written, relative to `out`.
    func write() throws -> [String] {
        let sweep = plan.sweep
        var written: [String] = [], files: [[String]] = [], runs: [Int] = [], partTables: [String: [String: ResultTable]] = [:]
        var plotFiles: [String] = []
        for (p, part) in sweep.parts.enumerated() {
            let mine = plan.tasks.indices.filter { plan.tasks[$0].part == p }
            let tables = SweepTables(part: part, tasks: mine.map { plan.tasks[$0] }, results: mine.map { results[$0] })
            partTables[part.name] = tables.tables
            let prefix = sweep.multiPart ? part.name + "/" : ""
            let dir = try OutputDirectory(out + "/" + prefix)
            var names: [String] = []
            for name in tables.names {
                try dir.write(tables.tables[name]!.csv, to: name + ".csv")
                names.append(name + ".csv")
            }
            let plots = part.plots ?? Self.defaultPlots(part, tables: tables.tables["runs"]!, modelName: plan.modelNames[p])
            let plotDir = part.plots == nil && !plots.isEmpty ? try OutputDirectory(out + "/" + prefix + "plots") : dir
            for plot in plots {
                try plotDir.write(try plot.render(tables: { _ in tables.tables }, warn: Self.warn), to: plot.file)
                names.append((part.plots == nil ? "plots/" : "") + plot.file)
            }
            files.append(names)
            runs.append(tables.tables["runs"]!.rows.count)
            written += names.map { prefix + $0 }
        }
        let top = try OutputDirectory(out)
        for plot in sweep.plots {
            try top.write(try plot.render(tables: { partTables[$0 ?? ""] ?? [:] }, warn: Self.warn), to: plot.file)
            plotFiles.append(plot.file)
        }
        let record = SweepRecord(plan: plan, overrides: overrides, runs: runs, files: files, plots: plotFiles)
        try top.write(try record.json(), to: "sweep.json")
        return written + plotFiles + ["sweep.json"]
    }

    static func warn(_ message: String) { FileHandle.standardError.write(Data("warning: \(message)\n".utf8)) }

    /// Without `plots:`: when the first axis is numeric, one plot per summary
    /// column that varies (and, with a search, of the value found) against it,
    /// one series per value of the second axis, with SEM bars over repeats.
    static func defaultPlots(_ part: SweepPart, tables runs: ResultTable, modelName: String) -> [SweepPlot] {
        guard let x = part.grid.first, x.values.allSatisfy({ if case .number = SweepAxis.cell($0) { true } else { false } }) else { return [] }
        let by = part.grid.count > 1 ? part.grid[1].column : nil
        let error: SweepPlot.ErrorBars = part.repeats > 1 ? .sem : .none
        if let search = part.search {
            return [SweepPlot(file: "search.svg", title: "\(modelName): smallest \(search.column) with \(search.condition)",
                              x: x.column, y: search.column, by: by, error: error, table: "search")]
        }
        var plots: [SweepPlot] = []
        for (k, column) in runs.columns.enumerated().dropFirst(part.keyColumns.count) {
            let values = Set(runs.rows.compactMap { if case .number(let v) = $0[k], v.isFinite { v } else { nil } })
            guard values.count > 1, SweepPlot.isPlainName(column) else { continue }
            plots.append(SweepPlot(file: column + ".svg", title: "\(modelName): \(column)", x: x.column, y: column, by: by, error: error))
        }
        return plots
    }
}
