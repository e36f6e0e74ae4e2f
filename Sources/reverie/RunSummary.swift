import Foundation
import ReverieReport
import ReverieSpec

/// The human-readable end-of-run summary.
enum RunSummary {
    static func text(_ r: RunReport, results: [PhaseResult], phases: [String], quiet: Bool = false) -> String {
        var out = "\(r.model)  (seed \(r.seed))\n"
        for (k, p) in r.phases.enumerated() where !quiet {
            out += "  [\(phases[k])] " + p.lines.joined(separator: "\n    ") + "\n"
            if let table = results[k].table, table.columns.first == "pattern" {
                let overlaps = perPattern(table)
                if !overlaps.isEmpty && overlaps.count <= 100 {
                    out += "    final overlap per pattern" + (table.column("trial").contains { $0 > 0 } ? " (mean over trials)" : "") + ":\n"
                    for row in stride(from: 0, to: overlaps.count, by: 10) {
                        out += "      " + overlaps[row..<min(row + 10, overlaps.count)].map { String(format: "%6.3f", $0) }.joined(separator: " ") + "\n"
                    }
                }
            }
        }
        if r.unitUpdates > 0 || r.spikes == 0 { out += String(format: "unit updates %ld (flips %ld), ", r.unitUpdates, r.flips) }
        if r.spikes > 0 { out += String(format: "spikes %ld, ", r.spikes) }
        out += String(format: "synaptic events %ld, scheduler events %ld, simulated time %.6g %@\n", r.synapticEvents, r.events,
                      r.simulatedTime, r.timeUnit)
        out += String(format: "wall time %.3f s, %.3g scheduler events/s", r.wallSeconds, r.schedulerEventsPerSecond)
        if r.eventsPerSecond > 0 { out += String(format: ", %.3g unit updates + synaptic events/s", r.eventsPerSecond) }
        if r.records > 0 { out += ", \(r.records) records to sinks" }
        return out
    }

    /// Mean final overlap per pattern, in pattern order.
    static func perPattern(_ table: ResultTable) -> [Double] {
        var sums: [Int: (Double, Int)] = [:]
        for (p, m) in zip(table.column("pattern"), table.column("final_overlap")) {
            let (s, c) = sums[Int(p)] ?? (0, 0)
            sums[Int(p)] = (s + m, c + 1)
        }
        return sums.keys.sorted().map { sums[$0]!.0 / Double(sums[$0]!.1) }
    }
}
