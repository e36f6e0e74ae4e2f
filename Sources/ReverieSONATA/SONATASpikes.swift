/// A SONATA spike file (SONATA developer guide, "Spike file"; read by libsonata's
/// `SpikeReader` and bmtk's `SpikeTrains`):
///
/// ```
/// /spikes/<population>             group, attribute sorting: enum {none, by_id, by_time}
/// /spikes/<population>/timestamps  float64 [N], attribute units (e.g. "ms")
/// /spikes/<population>/node_ids    uint64 [N], population-local ids from 0
/// ```
/// plus the root attributes every SONATA HDF5 file carries (`magic` = 0x0A7A,
/// `version` = [0, 1]).
public struct SONATASpikes: Equatable, Sendable {
    public enum Sorting: String, CaseIterable, Sendable {
        case none, byID = "by_id", byTime = "by_time"
    }

    public struct Population: Equatable, Sendable {
        /// The population's name: an HDF5 group name (no `/`, not `.`).
        public var name: String
        public var nodeIDs: [UInt64]
        public var timestamps: [Double]
        public var units: String
        public var sorting: Sorting

        public init(name: String, nodeIDs: [UInt64], timestamps: [Double], units: String = "ms", sorting: Sorting = .byTime) {
            precondition(nodeIDs.count == timestamps.count, "one node id per timestamp")
            self.name = name; self.nodeIDs = nodeIDs; self.timestamps = timestamps; self.units = units; self.sorting = sorting
        }
    }

    public var populations: [Population]

    public init(populations: [Population]) { self.populations = populations }

    /// Writes the file at `path` (replacing what is there; see `HDF5File.write`).
    public func write(to path: String) throws {
        try HDF5File.write(path) { f in
            try f.makeGroup("/spikes")
            try SONATAFormat.setRootAttributes(f)
            for p in populations {
                let group = "/spikes/" + p.name
                try f.makeGroup(group)
                try f.setEnumAttribute("sorting", members: Sorting.allCases.map(\.rawValue),
                                       value: Sorting.allCases.firstIndex(of: p.sorting)!, on: group)
                try f.write(p.timestamps, to: group + "/timestamps")
                try f.setAttribute("units", string: p.units, on: group + "/timestamps")
                try f.write(p.nodeIDs, to: group + "/node_ids")
            }
        }
    }

    /// Reads every population of the spike file at `path`. Node ids may be
    /// stored as any non-negative integers, timestamps as any floats; `sorting`
    /// may be an enumeration or a string (bmtk writes a string) and defaults to
    /// `none`; `units` is required.
    public static func read(path: String) throws -> SONATASpikes {
        try HDF5File.read(path) { f in
            guard f.isGroup("/spikes") else { throw f.error("/spikes", "missing (expected the group of a SONATA spike file)") }
            var populations: [Population] = []
            for name in try f.members(of: "/spikes") {
                let group = "/spikes/" + name
                guard f.isGroup(group) else { throw f.error(group, "expected a population group with node_ids and timestamps") }
                let ids = try f.readIndices(group + "/node_ids")
                let times = try f.read(group + "/timestamps", as: Double.self)
                guard ids.count == times.count else {
                    throw f.error(group, "node_ids has \(ids.count) entries but timestamps has \(times.count)")
                }
                if let k = times.firstIndex(where: { !$0.isFinite }) { throw f.error(group + "/timestamps", "element \(k) is not a finite time") }
                let units = try f.text("units", on: group + "/timestamps")
                var sorting = Sorting.none
                if f.hasAttribute("sorting", on: group) {
                    let s = try f.text("sorting", on: group)
                    guard let known = Sorting(rawValue: s) else {
                        throw f.error(group, "attribute sorting is \(String(reflecting: s)), expected none, by_id or by_time")
                    }
                    sorting = known
                }
                populations.append(Population(name: name, nodeIDs: ids, timestamps: times, units: units, sorting: sorting))
            }
            return SONATASpikes(populations: populations)
        }
    }
}
