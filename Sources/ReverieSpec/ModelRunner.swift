import Foundation
import ReverieKernel
import ReverieReport

/// What a run produced, written as summary.json (keys in snake_case; numbers
/// that are not finite, e.g. the CV of a population that never spiked, are null).
public struct RunReport: Encodable, Sendable {
    public struct Phase: Encodable, Sendable {
        public var name: String
        public var kind: String
        public var summary: [String: Double]
        public var lines: [String]
        public var wallSeconds: Double

        enum CodingKeys: String, CodingKey { case name, kind, summary, lines, wallSeconds = "wall_seconds" }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(kind, forKey: .kind)
            try c.encode(JSONValue.object(summary.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) }), forKey: .summary)
            try c.encode(lines, forKey: .lines)
            try c.encode(wallSeconds, forKey: .wallSeconds)
        }
    }
    public var softwareVersion = ReverieVersion.current
    public var model: String
    public var file: String
    public var seed: UInt64
    /// The `--set` overrides, in order, and the model as run (after them).
    public var overrides: [String]
    public var effectiveModel: JSONValue
    public var timeUnit: String
    public var phases: [Phase]
    public var simulatedTime: Double
    /// Events the families' loops processed (`RunCounters.events`): queued deliveries and
    /// unit updates that could change a state (updates of stable units at zero
    /// temperature are skipped exactly, see `BinaryNetwork`), spike arrivals at synapses.
    public var events: Int
    public var unitUpdates: Int
    public var flips: Int
    /// Spikes of spiking populations (sources included).
    public var spikes: Int
    /// Deliveries to synapses: binary Δs, spike arrivals, predictive-coding receptions.
    public var synapticEvents: Int
    public var records: Int
    public var wallSeconds: Double
    /// (unit updates + synaptic events) per wall-clock second.
    public var eventsPerSecond: Double
    /// Scheduler events per wall-clock second (every model family).
    public var schedulerEventsPerSecond: Double

    enum CodingKeys: String, CodingKey {
        case softwareVersion = "software_version", model, file, seed, overrides, effectiveModel = "effective_model"
        case timeUnit = "time_unit", phases, simulatedTime = "simulated_time", events, unitUpdates = "unit_updates", flips
        case spikes, synapticEvents = "synaptic_events", records, wallSeconds = "wall_seconds"
        case eventsPerSecond = "events_per_second", schedulerEventsPerSecond = "scheduler_events_per_second"
    }
}

/// Runs a model's protocol, phase by phase, reporting to sinks.
public final class ModelRunner {
    public let context: RunContext
    /// Called when a phase starts: (index, name, kind).
    public var onPhaseStart: (Int, String, String) -> Void = { _, _, _ in }
    /// Called when a phase has run, before its end marker is emitted (e.g. weight snapshots).
    public var onPhaseEnd: (Int) -> Void = { _ in }
    public private(set) var results: [PhaseResult] = []

    public init(model: ModelSpec, seed: UInt64? = nil, sinks: [any SimulationSink] = [], threads: Int = 1,
                exchange: (any SpikeExchange)? = nil) throws {
        let hub = SinkHub()
        for s in sinks { hub.add(s) }
        context = try RunContext(model: model, seed: seed ?? model.seed, sinks: hub, threads: threads, exchange: exchange)
    }

    /// Runs every phase. Sinks are ended (flushed and closed) even when a phase
    /// or a sink fails, so what was recorded is kept.
    public func run() throws -> RunReport {
        let model = context.model
        let start = Date()
        var phases: [RunReport.Phase] = []
        try context.sinks.begin(context.runDescription)
        do {
            for (k, phase) in model.phases.enumerated() {
                context.phaseIndex = k
                onPhaseStart(k, phase.name, phase.kind)
                context.sinks.emit(TraceRecord(kind: .phase, time: context.time, unit: UInt32(k), aux: 0))
                let t0 = Date()
                let result = try phase.runner.run(context)
                onPhaseEnd(k)
                context.sinks.emit(TraceRecord(kind: .phase, time: context.time, unit: UInt32(k), aux: 1))
                try context.sinks.flush()
                results.append(result)
                phases.append(.init(name: phase.name, kind: phase.kind,
                                    summary: Dictionary(result.summary.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }),
                                    lines: result.lines, wallSeconds: Date().timeIntervalSince(t0)))
            }
        } catch {
            try? context.sinks.end()
            throw error
        }
        let records = context.sinks.emitted
        try context.sinks.end()
        let wall = Date().timeIntervalSince(start)
        let c = context.counters
        return RunReport(model: model.name, file: model.file, seed: context.seed, overrides: model.overrides,
                         effectiveModel: model.root.jsonValue, timeUnit: model.timeUnit, phases: phases,
                         simulatedTime: context.time.value, events: c.events, unitUpdates: c.unitUpdates,
                         flips: c.stateChanges, spikes: c.spikes, synapticEvents: c.synapticEvents, records: records, wallSeconds: wall,
                         eventsPerSecond: Double(c.unitUpdates + c.synapticEvents) / max(wall, 1e-9),
                         schedulerEventsPerSecond: Double(c.events) / max(wall, 1e-9))
    }
}
