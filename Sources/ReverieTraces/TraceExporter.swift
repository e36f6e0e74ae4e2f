import Foundation
import ReverieKernel

/// Exports a trace's events as plain CSV or as SONATA-style spike columns
/// (`timestamps`, `node_ids` per population, population-local ids).
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
        public var population: String
        public var nodeIDs: [UInt64] = []
        public var timestamps: [Double] = []
    }

    public let trace: TraceFile
    public init(trace: TraceFile) { self.trace = trace }

    /// Event columns per population (in the trace's population order), optionally one population only.
    public func columns(events: Events, population: String? = nil) throws -> [Columns] {
        var pops = trace.header.run.populations
        if let population {
            pops = pops.filter { $0.name == population }
            guard !pops.isEmpty else {
                throw TraceError.unknownPopulation(population, known: trace.header.run.populations.map(\.name))
            }
        }
        var out = pops.map { Columns(population: $0.name) }
        trace.forEachChunk { _, records in
            for r in records where events.matches(r) {
                guard let owner = trace.header.run.populationIndex(of: r.unit),
                      let k = pops.firstIndex(where: { $0.name == trace.header.run.populations[owner].name }) else { continue }
                out[k].nodeIDs.append(UInt64(r.unit - pops[k].firstID))
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

    /// SONATA CSV spike table: space-separated `timestamps population node_ids`.
    public static func sonataCSV(_ columns: [Columns]) -> String {
        var s = "timestamps population node_ids\n"
        for c in columns {
            for k in c.nodeIDs.indices { s += "\(c.timestamps[k]) \(c.population) \(c.nodeIDs[k])\n" }
        }
        return s
    }

    /// Writes `DIR/<population>/node_ids.npy` (uint64) and `timestamps.npy` (float64).
    public static func writeSonataNPY(_ columns: [Columns], directory: String) throws {
        for c in columns {
            let dir = (directory as NSString).appendingPathComponent(c.population)
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw TraceError.cannotWrite(path: dir, reason: error.localizedDescription)
            }
            try NPYWriter.write(c.nodeIDs, to: (dir as NSString).appendingPathComponent("node_ids.npy"))
            try NPYWriter.write(c.timestamps, to: (dir as NSString).appendingPathComponent("timestamps.npy"))
        }
    }
}
