import Foundation
import ReverieKernel

/// Exports a trace's events as plain CSV or as SONATA-style spike columns
/// (`timestamps`, `node_ids` per population, population-local ids) in CSV or
/// `.npy` files; the real SONATA files (HDF5) are ReverieSONATA's.
public struct TraceExporter {
    /// Which records count as events for the SONATA columns.
    public enum Events: String, CaseIterable, Sendable {
        /// `spike` records.
        case spikes
        /// `state` records whose new value is positive (a binary unit turning on).
        case up
        /// Every `state` record.
        case changes

        func matches(_ r: TraceRecord) -> Bool {
            switch self {
            case .spikes: return r.kind == .spike
            case .up: return r.kind == .state && r.value > 0
            case .changes: return r.kind == .state
            }
        }
    }

    /// SONATA spike columns for one population.
    public struct Columns: Equatable {
        /// The population's name in the trace.
        public var population: String
        /// The name used for its directory and CSV token (`ExportName`).
        public var exportName: String
        public var nodeIDs: [UInt64] = []
        public var timestamps: [Double] = []
    }

    public let trace: TraceFile
    public init(trace: TraceFile) { self.trace = trace }

    /// Event columns per population (in the trace's population order), optionally one population only.
    public func columns(events: Events, population: String? = nil) throws -> [Columns] {
        let all = trace.header.run.populations
        let names = ExportName.unique(all.map(\.name))
        var selected = Array(all.indices)
        if let population {
            selected = selected.filter { all[$0].name == population }
            guard !selected.isEmpty else { throw TraceError.unknownPopulation(population, known: all.map(\.name)) }
        }
        var column = [Int?](repeating: nil, count: all.count)
        for (k, p) in selected.enumerated() { column[p] = k }
        var out = selected.map { Columns(population: all[$0].name, exportName: names[$0]) }
        let lookup = PopulationLookup(trace.header.run)
        trace.forEachChunk { _, records in
            for r in records where events.matches(r) {
                guard let p = lookup.index(of: r.unit), let k = column[p] else { continue }
                out[k].nodeIDs.append(UInt64(r.unit - all[p].firstID))
                out[k].timestamps.append(r.time.value)
            }
        }
        return out
    }

    /// All records of the chosen kinds as `kind,time,unit,aux,value` CSV rows.
    public func csv(kinds: RecordStreams) -> String {
        var s = "kind,time,unit,aux,value\n"
        trace.forEachChunk { _, records in
            for r in records where kinds.contains(r.kind) {
                s += "\(r.kind),\(r.time.value),\(r.unit),\(r.aux),\(r.value)\n"
            }
        }
        return s
    }

    /// SONATA CSV spike table: space-separated `timestamps population node_ids`
    /// (the population as its export name, so it is one token).
    public static func sonataCSV(_ columns: [Columns]) -> String {
        var s = "timestamps population node_ids\n"
        for c in columns {
            for k in c.nodeIDs.indices { s += "\(c.timestamps[k]) \(c.exportName) \(c.nodeIDs[k])\n" }
        }
        return s
    }

    /// The end of the run: the last phase end, else the last record's time (0 for an empty trace).
    public var stopTime: Double {
        var last = 0.0, phaseEnd: Double? = nil
        trace.forEachChunk { _, records in
            for r in records {
                last = max(last, r.time.value)
                if r.kind == .phase && r.aux == 1 { phaseEnd = max(phaseEnd ?? r.time.value, r.time.value) }
            }
        }
        return phaseEnd ?? last
    }

    /// Writes the `.npy` columns (`writeSonataNPY`) and, beside them, what the
    /// arrays alone do not say, in `DIR/<export name>/spikes.json`: the
    /// population's `name` in the trace and its `size` (node ids are 0 ..< size),
    /// the `events` exported and their `count`, the `time_unit`, `t_start` (0)
    /// and `t_stop` (`stopTime`).
    public func writeNPY(_ columns: [Columns], events: Events, directory: String) throws {
        try Self.writeSonataNPY(columns, directory: directory)
        let sizes = Dictionary(trace.header.run.populations.map { ($0.name, $0.size) }, uniquingKeysWith: { a, _ in a })
        let stop = stopTime
        for c in columns {
            let about: [String: Any] = ["name": c.population, "size": sizes[c.population] ?? 0, "events": events.rawValue,
                                        "count": c.nodeIDs.count, "time_unit": trace.header.run.timeUnit, "t_start": 0.0, "t_stop": stop]
            let json = try JSONSerialization.data(withJSONObject: about, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            let dir = (directory as NSString).appendingPathComponent(c.exportName)
            try FileAccess.writeFile(Array(json) + [0x0A], to: (dir as NSString).appendingPathComponent("spikes.json"))
        }
    }

    /// Writes `DIR/<export name>/node_ids.npy` (uint64) and `timestamps.npy` (float64).
    /// Everything is written inside `directory`: names are `ExportName`s, and no
    /// symbolic link inside it is followed.
    public static func writeSonataNPY(_ columns: [Columns], directory: String) throws {
        try FileAccess.makeDirectory(directory)
        for c in columns {
            let dir = try FileAccess.makeSubdirectory(c.exportName, in: directory)
            try NPYWriter.write(c.nodeIDs, to: (dir as NSString).appendingPathComponent("node_ids.npy"))
            try NPYWriter.write(c.timestamps, to: (dir as NSString).appendingPathComponent("timestamps.npy"))
        }
    }
}
