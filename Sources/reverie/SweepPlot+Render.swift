import ArgumentParser
import Foundation
import ReverieReport

extension SweepPlot {
    /// The SVG of the plot; `tables(part)` gives a part's tables by name (`runs`,
    /// `search`, phase names). Fails naming the plot and the missing table or
    /// column, except for a summary value `<phase>.<key>` of a phase that no run
    /// reported (e.g. D_fin never reached): its series is empty and `warn` is told.
    func render(tables: (String?) throws -> [String: ResultTable], warn: (String) -> Void) throws -> String {
        var out: [SVGLinePlot.Series] = []
        for s in series {
            let available = try tables(s.part)
            guard let table = available[s.table] else {
                throw ValidationError("\(location): table \"\(s.table)\" does not exist; the tables are " + available.keys.sorted().joined(separator: ", "))
            }
            for column in [s.x, s.y] + (s.by.map { [$0] } ?? []) where !table.columns.contains(column) {
                let phase = column.prefix { $0 != "." }
                if column == s.y, column.contains("."), table.columns.contains(where: { $0.hasPrefix(phase + ".") }) {
                    warn("\(location): no run reported \(column); its series is empty")
                    continue
                }
                throw ValidationError("\(location): column \"\(column)\" is not in the \(s.table) table; its columns are "
                                      + table.columns.joined(separator: ", "))
            }
            guard table.columns.contains(s.y) else {
                out.append(.init(name: (s.label ?? s.y).replacingOccurrences(of: "{}", with: ""), points: []))
                continue
            }
            for group in Self.aggregate(table, x: s.x, y: s.y, by: s.by) {
                // Default label: y (when it tells series apart) and the `by` value.
                let parts = (series.count > 1 || s.by == nil ? [s.y] : []) + (s.by.map { ["\($0) = {}"] } ?? [])
                let label = (s.label ?? parts.joined(separator: ", ")).replacingOccurrences(of: "{}", with: group.by ?? "")
                let bars: [Double]? = error == .none ? nil : group.points.map { error == .std ? $0.std : $0.std / Double($0.n).squareRoot() }
                out.append(.init(name: label, points: group.points.map { ($0.x + xOffset, $0.mean) }, errors: bars))
            }
        }
        let first = series[0]
        let xLabel = self.xLabel ?? (xOffset == 0 ? first.x : "\(first.x) + \(ResultTable.format(xOffset))")
        let yLabel = self.yLabel ?? (Set(series.map(\.y)).count == 1 ? first.y : "value")
        var plot = SVGLinePlot(title: title ?? "\(yLabel) vs \(xLabel)", xLabel: xLabel, yLabel: yLabel, series: out, yRange: yRange)
        plot.logX = logX
        plot.logY = logY
        plot.references = references
        return plot.render()
    }

    /// One point of a series: the mean, sample standard deviation and count of y over the rows at x.
    struct Point { var x: Double, mean: Double, std: Double, n: Int }

    /// Rows grouped by the text of `by` (first-appearance order), then by x (first-appearance order).
    static func aggregate(_ table: ResultTable, x: String, y: String, by: String?) -> [(by: String?, points: [Point])] {
        let xi = table.columns.firstIndex(of: x)!, yi = table.columns.firstIndex(of: y)!
        let bi = by.flatMap { table.columns.firstIndex(of: $0) }
        var groups: [(by: String?, xs: [Double], ys: [[Double]], index: [Double: Int])] = [], groupIndex: [String?: Int] = [:]
        for row in table.rows {
            guard case .number(let xv) = row[xi], xv.isFinite, case .number(let yv) = row[yi], yv.isFinite else { continue }
            let key = bi.map { row[$0].description }
            let g = groupIndex[key] ?? { groups.append((key, [], [], [:])); groupIndex[key] = groups.count - 1; return groups.count - 1 }()
            if let k = groups[g].index[xv] { groups[g].ys[k].append(yv) } else {
                groups[g].index[xv] = groups[g].xs.count
                groups[g].xs.append(xv)
                groups[g].ys.append([yv])
            }
        }
        return groups.map { g in
            (g.by, zip(g.xs, g.ys).map { xv, ys in
                let n = ys.count, mean = ys.reduce(0, +) / Double(n)
                let variance = n > 1 ? ys.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1) : .nan
                return Point(x: xv, mean: mean, std: variance.squareRoot(), n: n)
            })
        }
    }
}
