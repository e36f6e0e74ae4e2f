import ArgumentParser
import Foundation
import ReverieKernel
import ReverieSONATA
import ReverieTraces

/// `reverie trace inspect|verify|export`: look into recorded traces (traces/FORMAT.md).
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Inspect, verify and export recorded traces (.rvt files written by `reverie run --record`).",
        subcommands: [TraceInspect.self, TraceVerify.self, TraceExport.self])
}

/// Opens a trace for a command, turning format errors into one-line CLI errors.
struct TraceArgument: ParsableArguments {
    @Argument(help: "A trace file (.rvt).")
    var trace: String

    @Flag(help: "Use the intact chunks of a damaged trace instead of failing.")
    var recover = false

    /// The trace; a damaged one is an error unless --recover.
    func open() throws -> TraceFile {
        let file = try TraceFile(path: trace)
        if !recover { try file.requireIntact() }
        if recover && !file.isIntact {
            FileHandle.standardError.write(Data("warning: \(trace) is damaged; using its \(file.chunks.count) intact chunks\n".utf8))
        }
        return file
    }
}

struct TraceInspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summary: model, seed, populations, streams, records per kind and per population, time span.")

    @OptionGroup var input: TraceArgument

    @Flag(help: "Also print the model file text stored in the header.")
    var model = false

    func run() throws {
        let file = try input.open()
        let run = file.header.run
        var perKind: [RecordKind: Int] = [:]
        var perPopulation = [Int](repeating: 0, count: run.populations.count)
        var span: (lo: Double, hi: Double)? = nil
        let lookup = PopulationLookup(run)
        file.forEachChunk { _, records in
            for r in records {
                perKind[r.kind, default: 0] += 1
                if r.kind == .state || r.kind == .spike, let k = lookup.index(of: r.unit) { perPopulation[k] += 1 }
                span = span.map { (min($0.lo, r.time.value), max($0.hi, r.time.value)) } ?? (r.time.value, r.time.value)
            }
        }
        print("trace      \(file.path) (format v\(file.header.version), \(file.fileSize) bytes)")
        print("model      \(run.modelName), seed \(run.seed), time unit \(run.timeUnit)")
        print("streams    \(file.header.streams.joined(separator: ", "))")
        print("chunks     \(file.chunks.count), records \(file.recordCount)" + (file.complete ? "" : " (no end marker)"))
        if let span { print("time       \(span.lo) ... \(span.hi)") }
        for kind in RecordKind.allCases { print("  \(RecordStreams.name(of: kind).padding(toLength: 12, withPad: " ", startingAt: 0)) \(perKind[kind] ?? 0)") }
        print("populations")
        for (k, p) in run.populations.enumerated() {
            // The header was validated: ids firstID ..< firstID + size fit in 32 bits.
            print("  \(p.name) (\(p.model), ids \(p.firstID)..<\(UInt64(p.firstID) + UInt64(p.size))): \(perPopulation[k]) state changes/spikes")
        }
        if !run.phases.isEmpty { print("phases     \(run.phases.joined(separator: ", "))") }
        if !run.metrics.isEmpty { print("metrics    \(run.metrics.joined(separator: ", "))") }
        if model { print("--- model file ---\n\(run.modelSource)") }
    }
}

struct TraceVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every chunk's checksums; report damage and how many chunks and records are recoverable.",
        discussion: "Exit status 0 when the trace is intact, 1 when it is damaged (its intact chunks stay readable with --recover).")

    @Argument(help: "A trace file (.rvt).")
    var trace: String

    func run() throws {
        let file = try TraceFile(path: trace)
        print("\(trace): format v\(file.version), \(file.chunks.count) intact chunks of \(file.chunksSeen) found, \(file.recordCount) records recovered")
        if file.isIntact {
            print("ok: all checksums match, end marker present (\(file.declaredRecords ?? 0) records declared)")
            return
        }
        for d in file.damage { print("damage: \(d)") }
        print("recovered \(file.chunks.count) chunks (\(file.recordCount) records); use --recover with inspect/export/replay to read them")
        throw ExitCode(1)
    }
}

struct TraceExport: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, sonata, sonataCSV = "sonata-csv", sonataNPY = "sonata-npy"
    }

    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export records to CSV, or events and voltages as SONATA files (HDF5), SONATA-style CSV or .npy.",
        discussion: """
        csv:        kind,time,unit,aux,value for the records of --kinds (default: all).
        sonata:     OUT/spikes.h5 (SONATA spike file), OUT/voltage.h5 (SONATA report of the \
        LIF potentials sampled by record_voltage), OUT/nodes.h5 with node_types.csv and \
        circuit_config.json (the populations and their sizes), OUT/simulation_config.json \
        (tstop, seed); read by libsonata and bmtk (traces/FORMAT.md). The network's edges: \
        `reverie export-network MODEL`.
        sonata-csv: space-separated `timestamps population node_ids` (population-local ids).
        sonata-npy: OUT/<population>/node_ids.npy (uint64), timestamps.npy (float64) and \
        spikes.json (the population's size, time unit, t_start, t_stop).
        Population names become safe names (letters, digits, - _ . +; see the note printed) \
        so nothing is written outside OUT.
        Binary units do not spike: use --events up (units turning on) or changes (every state change).
        """)

    @OptionGroup var input: TraceArgument

    @Option(help: "Output format: csv, sonata, sonata-csv, sonata-npy.")
    var format: Format = .csv

    @Option(name: .shortAndLong, help: "Output file (csv formats; default stdout) or directory (sonata, sonata-npy).")
    var out: String?

    @Option(help: "Record kinds for csv: comma-separated states,spikes,weights,phases,metrics,assignments or all.")
    var kinds = "all"

    @Option(help: "Events for the SONATA columns: spikes, up, changes.")
    var events: TraceExporter.Events = .spikes

    @Option(help: "Only this population (SONATA formats).")
    var population: String?

    func validate() throws {
        if (format == .sonataNPY || format == .sonata) && out == nil { throw ValidationError("--format \(format.rawValue) needs --out DIRECTORY") }
    }

    func run() throws {
        let exporter = TraceExporter(trace: try input.open())
        switch format {
        case .csv:
            try emit(exporter.csv(kinds: RecordStreams(parsing: kinds)))
        case .sonataCSV:
            try emit(TraceExporter.sonataCSV(try columns(exporter)))
        case .sonataNPY:
            let cols = try columns(exporter)
            try exporter.writeNPY(cols, events: events, directory: out!)
            print("wrote \(cols.map { "\(out!)/\($0.exportName)/{node_ids,timestamps}.npy (\($0.nodeIDs.count) events)" }.joined(separator: ", ")) with spikes.json beside each")
        case .sonata:
            _ = try columns(exporter)
            let summary = try SONATATraceExport(trace: exporter.trace, events: events, population: population).write(to: out!)
            let unit = exporter.trace.header.run.timeUnit
            for p in summary.spikes.populations { print("spikes  \(p.name): \(p.nodeIDs.count) events") }
            for p in summary.report.populations {
                print("voltage \(p.name): \(p.nodeIDs.count) units × \(p.frames) samples every \(p.step) \(unit) from \(p.start) \(unit)")
            }
            print("wrote \(summary.files.map { "\(out!)/\($0)" }.joined(separator: ", ")) (t_stop \(summary.stopTime) \(unit))")
        }
    }

    func columns(_ exporter: TraceExporter) throws -> [TraceExporter.Columns] {
        let cols = try exporter.columns(events: events, population: population)
        for c in cols where c.exportName != c.population {
            FileHandle.standardError.write(Data("note: population \(String(reflecting: c.population)) is exported as '\(c.exportName)' (names from files never become paths)\n".utf8))
        }
        if cols.allSatisfy({ $0.nodeIDs.isEmpty }) {
            FileHandle.standardError.write(Data("warning: no \(events.rawValue) events in \(input.trace)\(events == .spikes ? " (binary units record state changes: try --events up)" : "")\n".utf8))
        }
        return cols
    }

    func emit(_ text: String) throws {
        guard let out else { return print(text, terminator: "") }
        try FileAccess.writeFile(Array(text.utf8), to: out)
    }
}

extension TraceExporter.Events: ExpressibleByArgument {}
