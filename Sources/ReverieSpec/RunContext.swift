import Foundation
import ReverieKernel
import ReverieModels

/// Everything phases share during one run of a model: the network, pattern sets,
/// rules, the run clock, the sinks and the seeded random streams.
public final class RunContext {
    public let model: ModelSpec
    public let seed: UInt64
    /// The binary-family populations and projections of the model.
    public let network: BinaryNetwork
    public let sinks: SinkHub
    public private(set) var patterns: [String: PatternSet] = [:]
    /// Index of the phase being run.
    public internal(set) var phaseIndex = 0
    /// Scheduler events (unit updates and deliveries) processed so far.
    public var events = 0
    /// Simulated time, continuous across phases.
    public var time = SimTime.zero
    /// Called after every relaxation (e.g. periodic weight snapshots).
    public var onRelaxationEnd: (RunContext) -> Void = { _ in }
    /// Reports progress of the current phase in 0...1 (for the CLI's progress bar).
    public var progress: (Double) -> Void = { _ in }
    /// Metric names in code order (`RecordKind.metric` records).
    public let metrics: [String]
    /// Populations driven by recorded traces.
    var stimuli: [TraceStimulus] = []
    /// Networks of other unit-model families, created by their phases on first use.
    var extensions: [String: AnyObject] = [:]

    public init(model: ModelSpec, seed: UInt64, sinks: SinkHub = SinkHub()) throws {
        self.model = model
        self.seed = seed
        self.sinks = sinks
        var names: [String] = []
        for p in model.phases { for m in p.runner.metrics where !names.contains(m) { names.append(m) } }
        metrics = names
        let binary = model.populations.filter { UnitModelRegistry.entry($0.model)?.family == "binary" }
        network = BinaryNetwork(populations: binary.map { ($0.name, $0.size) }, dynamics: model.dynamics,
                                rng: RandomStream(seed: seed, stream: Self.stream("dynamics")), sinks: sinks)
        var connRNG = RandomStream(seed: seed, stream: Self.stream("connectivity"))
        for proj in model.projections {
            let pre = try populationIndex(proj.from), post = try populationIndex(proj.to)
            let np = network.populations[pre].size, nq = network.populations[post].size
            let recurrent = pre == post
            let synapses: Connectivity
            switch proj.connectivity {
            case .dense:
                var w = DenseWeights(preCount: np, postCount: nq, initial: proj.initialWeight)
                if recurrent && !proj.selfConnections { for i in 0..<np { w[pre: i, post: i] = 0 } }
                synapses = .dense(w)
            case .sparse(let p):
                var w = SparseWeights.random(preCount: np, postCount: nq, probability: p,
                                             allowSelf: !recurrent || proj.selfConnections, rng: &connRNG)
                for k in w.weights.indices { w.weights[k] = proj.initialWeight }
                synapses = .sparse(w)
            }
            network.connect(proj.name, from: pre, to: post, synapses: synapses, delay: SimTime(proj.delay),
                            skipSelf: recurrent && !proj.selfConnections)
        }
        network.reportsAssignments = true
        for p in model.populations {
            if let trace = p.trace { stimuli.append(TraceStimulus(source: trace, population: try populationIndex(p.name), network: network)) }
        }
        for set in model.patterns {
            let size = model.populations.first { $0.name == set.population }!.size
            switch set.source {
            case .random(let count, let bias):
                var rng = RandomStream(seed: seed, stream: Self.stream("patterns:" + set.name))
                patterns[set.name] = PatternSet.random(count: count, size: size, bias: bias, rng: &rng)
            case .file(let url):
                patterns[set.name] = try PatternFile.read(url, size: size, node: set.node)
            }
        }
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

    public func populationIndex(_ name: String) throws -> Int {
        guard let k = network.populations.firstIndex(where: { $0.name == name }) else {
            throw ModelError(file: model.file, path: "populations", expected: "a binary population named \(name)")
        }
        return k
    }

    public func projectionIndex(_ name: String) -> Int? { network.projections.firstIndex { $0.name == name } }

    public func rule(_ spec: ModelSpec.Rule, presynapticCount: Int) -> AnyPlasticityRule {
        PlasticityRegistry.entry(spec.type)!.make(RuleParameters(values: spec.parameters, presynapticCount: presynapticCount))
    }

    public func metricCode(_ name: String) -> UInt32 {
        UInt32(metrics.firstIndex(of: name) ?? { preconditionFailure("metric \(name) not declared by any phase") }())
    }

    public func emitMetric(_ name: String, item: Int, value: Double) {
        sinks.emit(TraceRecord(kind: .metric, time: time, unit: metricCode(name), aux: UInt32(item), value: value))
    }

    /// A network of another unit-model family kept for the whole run, created on first use.
    public func extensionNetwork<T: AnyObject>(_ key: String, make: () throws -> T) rethrows -> T {
        if let n = extensions[key] as? T { return n }
        let n = try make()
        extensions[key] = n
        return n
    }

    /// Relaxes the binary network from its current state, continuing the run clock.
    @discardableResult
    public func relax(maxTime: Double, checkEvery: Int = 1, stop: ((BinaryNetwork) -> Bool)? = nil) -> (reason: StopReason, events: Int) {
        var scheduler = Scheduler<BinaryNetwork.Message>(start: time)
        network.beginRelaxation(at: time)
        for s in stimuli { s.schedule(network, into: &scheduler, until: time + SimTime(maxTime)) }
        let reason = scheduler.run(network, until: time + SimTime(maxTime), checkEvery: checkEvery, stop: stop)
        time = scheduler.now
        for s in stimuli { s.advance(past: time) }
        events += scheduler.eventsProcessed
        onRelaxationEnd(self)
        return (reason, scheduler.eventsProcessed)
    }

    /// The description sinks receive before the first record.
    public var runDescription: RunDescription {
        var firstID: UInt32 = 0
        var pops: [RunDescription.Population] = []
        for p in network.populations {
            pops.append(.init(name: p.name, model: "binary", firstID: firstID, size: p.size))
            firstID += UInt32(p.size)
        }
        pops += pcPopulations + spikingPopulations
        return RunDescription(modelName: model.name, modelSource: model.root.json, seed: seed, timeUnit: model.populations.compactMap { UnitModelRegistry.entry($0.model)?.timeUnit }.first ?? "clock period",
                              populations: pops, phases: model.phases.map(\.name), metrics: metrics)
    }
}
