import Foundation
import ReverieKernel

/// Everything phases share during one run of a model: the families' networks
/// (in one `Simulation`), pattern sets, the run clock, the sinks and the seeded
/// random streams.
public final class RunContext {
    public let model: ModelSpec
    public let seed: UInt64
    public let sinks: SinkHub
    /// The run loop and every family's network.
    public let simulation: Simulation
    public private(set) var patterns: [String: PatternSet] = [:]
    /// Index of the phase being run.
    public internal(set) var phaseIndex = 0
    /// Simulated time, continuous across phases.
    public var time: SimTime {
        get { simulation.time }
        set { simulation.time = newValue }
    }
    /// Called after every advance of the networks (e.g. periodic weight snapshots).
    public var onAdvanceEnd: (RunContext) -> Void = { _ in }
    /// Reports progress of the current phase in 0...1 (for the CLI's progress bar).
    public var progress: (Double) -> Void = { _ in }
    /// Metric names in code order (`RecordKind.metric` records).
    public let metrics: [String]

    public init(model: ModelSpec, seed: UInt64, sinks: SinkHub = SinkHub(), threads: Int = 1, exchange: (any SpikeExchange)? = nil) throws {
        self.model = model
        self.seed = seed
        self.sinks = sinks
        var names: [String] = []
        for p in model.phases { for m in p.runner.metrics where !names.contains(m) { names.append(m) } }
        metrics = names
        // Global ids: families in registry order, populations in the order each family lays them out.
        var layouts: [[RunDescription.Population]] = []
        var next: UInt32 = 0
        for part in model.parts {
            layouts.append(part.layout.map { p in
                defer { next += UInt32(p.size) }
                return RunDescription.Population(name: p.name, model: p.model, firstID: next, size: p.size)
            })
        }
        for set in model.patterns {
            let size = model.populations.first { $0.name == set.population }!.size
            switch set.source {
            case .random(let count, let bias):
                var rng = RandomStream(seed: seed, stream: Self.stream("patterns:" + set.name))
                patterns[set.name] = PatternSet.random(count: count, size: size, bias: bias, rng: &rng)
            case .file(_, let values):
                patterns[set.name] = values
            }
        }
        var networks: [any NetworkFamily] = []
        var links: [Simulation.Link] = []
        for (k, part) in model.parts.enumerated() {
            let context = BuildContext(model: model, seed: seed, sinks: sinks, layouts: layouts, familyIndex: k, links: links,
                                       patterns: patterns, threads: threads, exchange: exchange)
            networks.append(try part.build(context))
            links = context.links
        }
        simulation = Simulation(families: networks, links: links)
    }

    /// A stable 64-bit label for a named random stream (FNV-1a), so streams do not
    /// depend on the order in which phases ask for them.
    public static func stream(_ label: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in label.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// The random stream of phase `index` for a purpose, e.g. `rng(phase: 2, "corruption")`.
    public func rng(phase index: Int, _ purpose: String) -> RandomStream {
        RandomStream(seed: seed, stream: Self.stream("phase\(index):\(purpose)"))
    }

    /// The network of family `F` (present whenever the model has populations of it,
    /// which its phases check when they validate).
    public func network<F: ModelFamily>(_ family: F.Type) -> F.Network {
        for n in simulation.families { if let typed = n as? F.Network { return typed } }
        preconditionFailure("the model has no \(F.name) populations")
    }

    /// Advances the networks linked to `network` from the run clock to `end`, or
    /// until `control` stops them or they are quiescent; then `onAdvanceEnd`.
    @discardableResult
    public func advance(_ network: any NetworkFamily, until end: SimTime,
                        control: AdvanceControl = AdvanceControl()) -> (reason: StopReason, events: Int) {
        var control = control
        let k = simulation.families.firstIndex { $0 === network }!
        let reason = simulation.advance(component: k, until: end, control: &control)
        onAdvanceEnd(self)
        return (reason, control.events)
    }

    /// Every family's counters, summed.
    public var counters: RunCounters { simulation.counters }

    public func metricCode(_ name: String) -> UInt32 {
        UInt32(metrics.firstIndex(of: name) ?? { preconditionFailure("metric \(name) not declared by any phase") }())
    }

    public func emitMetric(_ name: String, item: Int, value: Double) {
        sinks.emit(TraceRecord(kind: .metric, time: time, unit: metricCode(name), aux: UInt32(item), value: value))
    }

    /// The description sinks receive before the first record.
    public var runDescription: RunDescription {
        RunDescription(modelName: model.name, modelSource: model.root.json, seed: seed, timeUnit: model.timeUnit,
                       populations: simulation.layout, phases: model.phases.map(\.name), metrics: metrics)
    }
}
