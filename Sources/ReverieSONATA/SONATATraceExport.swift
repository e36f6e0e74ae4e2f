import ReverieKernel
import ReverieTraces

/// A recorded trace as SONATA files (traces/FORMAT.md, "SONATA"):
///
/// - `spikes.h5`: the events of every (or one) population as a SONATA spike
///   file, population-local node ids, times in the trace's time unit;
/// - `voltage.h5`: the sampled membrane potentials of LIF populations
///   (`record_voltage`, `state` records on a regular grid) as a SONATA report
///   (float32 mV, one element per node);
/// - `nodes.h5`, `node_types.csv`, `circuit_config.json`: the populations with
///   their sizes (no edges: `reverie export-network` writes those);
/// - `simulation_config.json`: `run.tstop` (`TraceExporter.stopTime`),
///   `run.random_seed`, the spike file and the report (and `run.dt`, the
///   report's sampling step, when there is one: Reverie has no time step).
///
/// Population names become `ExportName`s before naming HDF5 groups or files.
public struct SONATATraceExport {
    public let trace: TraceFile
    public let events: TraceExporter.Events
    public let population: String?
    let names: [String]

    public init(trace: TraceFile, events: TraceExporter.Events = .spikes, population: String? = nil) {
        self.trace = trace
        self.events = events
        self.population = population
        names = ExportName.unique(trace.header.run.populations.map(\.name))
    }

    /// The spike file: one SONATA population per selected trace population.
    public func spikes() throws -> SONATASpikes {
        let columns = try TraceExporter(trace: trace).columns(events: events, population: population)
        return SONATASpikes(populations: columns.map { c in
            let sorted = zip(c.timestamps, c.timestamps.dropFirst()).allSatisfy { $0 <= $1 }
            return .init(name: c.exportName, nodeIDs: c.nodeIDs, timestamps: c.timestamps, units: trace.header.run.timeUnit,
                         sorting: sorted ? .byTime : .none)
        })
    }

    /// The sampled potentials of the selected LIF populations that have any, as
    /// one report population each. Samples must lie on one regular time grid
    /// with every recorded unit at every time (as `record_voltage` writes them).
    public func voltageReport() throws -> SONATAReport {
        let pops = trace.header.run.populations
        var samples = [[(time: Double, unit: UInt64, value: Double)]](repeating: [], count: pops.count)
        let lookup = PopulationLookup(trace.header.run)
        let wanted = pops.map { $0.model == "lif" && (population == nil || $0.name == population) }
        trace.forEachChunk { _, records in
            for r in records where r.kind == .state {
                guard let p = lookup.index(of: r.unit), wanted[p] else { continue }
                samples[p].append((r.time.value, UInt64(r.unit - pops[p].firstID), r.value))
            }
        }
        var out: [SONATAReport.Population] = []
        for p in pops.indices where !samples[p].isEmpty {
            out.append(try grid(samples[p], name: names[p], source: pops[p].name))
        }
        return SONATAReport(populations: out)
    }

    /// Values on a frames × units grid, checked to be complete and evenly spaced in time.
    private func grid(_ samples: [(time: Double, unit: UInt64, value: Double)], name: String, source: String) throws -> SONATAReport.Population {
        let times = Array(Set(samples.map(\.time))).sorted()
        let units = Array(Set(samples.map(\.unit))).sorted()
        let object = "population \(String(reflecting: source))"
        guard times.count >= 2 else {
            throw SONATAError(file: trace.path, object: object, "one voltage sample time only: a SONATA report needs two to define its time step")
        }
        let step = (times.last! - times[0]) / Double(times.count - 1)
        for (k, t) in times.enumerated() where abs(t - (times[0] + Double(k) * step)) > 1e-9 * max(1, abs(t)) {
            throw SONATAError(file: trace.path, object: object,
                              "voltage samples are not on a regular time grid (sample \(k) at \(t), expected \(times[0] + Double(k) * step)); export them with --format csv")
        }
        let row = Dictionary(uniqueKeysWithValues: times.enumerated().map { ($1, $0) })
        let column = Dictionary(uniqueKeysWithValues: units.enumerated().map { ($1, $0) })
        var data = [Float](repeating: .nan, count: times.count * units.count)
        var filled = [Bool](repeating: false, count: data.count)
        for s in samples {
            let k = row[s.time]! * units.count + column[s.unit]!
            guard !filled[k] else {
                throw SONATAError(file: trace.path, object: object, "unit \(s.unit) has two voltage samples at time \(s.time)")
            }
            filled[k] = true
            data[k] = Float(s.value)
        }
        if let k = filled.firstIndex(of: false) {
            throw SONATAError(file: trace.path, object: object,
                              "unit \(units[k % units.count]) has no voltage sample at time \(times[k / units.count]) (every recorded unit needs one at every sample time)")
        }
        return SONATAReport.Population(name: name, nodeIDs: units, start: times[0], step: step, frames: times.count, data: data,
                                       timeUnits: trace.header.run.timeUnit, dataUnits: "mV")
    }

    /// The trace's populations as SONATA nodes (sizes and models, no parameters or edges).
    public func nodes() -> SONATANetwork {
        SONATANetwork(nodes: trace.header.run.populations.enumerated().map { k, p in
            let (type, template) = Self.modelType(reverieModel: p.model)
            return .init(name: names[k], size: p.size, nodeTypeID: Int64(k), modelType: type, modelTemplate: template, reverieModel: p.model)
        })
    }

    /// SONATA's model_type and model_template for a Reverie unit model: LIF
    /// units are NEST's iaf_psc_delta (voltage-jump synapses), spike sources
    /// are virtual nodes, other units point neurons of Reverie's own.
    public static func modelType(reverieModel: String) -> (type: String, template: String) {
        switch reverieModel {
        case "lif": ("point_neuron", "nest:iaf_psc_delta")
        case "poisson", "spike-times", "spike-trace", "sonata-spikes": ("virtual", "NULL")
        default: ("point_neuron", "reverie:" + reverieModel)
        }
    }

    /// What `write(to:)` wrote.
    public struct Summary: Sendable {
        public var files: [String]
        public var spikes: SONATASpikes
        public var report: SONATAReport
        public var stopTime: Double
    }

    /// Writes the files into `directory` (created if missing).
    public func write(to directory: String) throws -> Summary {
        try FileAccess.makeDirectory(directory)
        let dir = directory.hasSuffix("/") ? directory : directory + "/"
        let spikes = try spikes(), report = try voltageReport(), network = nodes(), stop = TraceExporter(trace: trace).stopTime
        try spikes.write(to: dir + "spikes.h5")
        var files = ["spikes.h5"]
        var config: [String: Any] = [
            "network": "circuit_config.json",
            "run": ["tstop": stop, "random_seed": trace.header.run.seed],
            "output": ["output_dir": ".", "spikes_file": "spikes.h5",
                       "spikes_sort_order": spikes.populations.allSatisfy { $0.sorting == .byTime } ? "by_time" : "none"],
        ]
        if !report.populations.isEmpty {
            try report.write(to: dir + "voltage.h5")
            files.append("voltage.h5")
            let first = report.populations[0]
            config["run"] = ["tstop": stop, "random_seed": trace.header.run.seed, "dt": first.step]
            config["reports"] = ["voltage": ["type": "compartment", "variable_name": "v", "sections": "soma", "unit": "mV",
                                             "dt": first.step, "start_time": first.start, "end_time": first.stop,
                                             "file_name": "voltage.h5"]]
        }
        try network.write(to: dir)
        try SONATAFiles.writeJSON(config, to: dir + "simulation_config.json")
        return Summary(files: files + network.fileNames + ["simulation_config.json"], spikes: spikes, report: report, stopTime: stop)
    }
}
