import Foundation
import ReverieKernel
import ReverieSpec

/// Spiking networks with exact spike times (docs/science.md §6): LIF units with
/// voltage-jump synapses or exponential synaptic currents, Poisson, spike-time and
/// recorded sources, delays per projection or per synapse, pair STDP.
public enum SpikingFamily: ModelFamily {
    /// A spiking population's units and how LIF potentials start.
    public struct Unit: Sendable {
        public var kind: SpikingUnitKind
        public var initialVoltage: VoltageInit? = nil
    }

    public struct Spec: Sendable {
        public var queue: SpikeQueueKind
        public var populations: [(name: String, model: String, size: Int, unit: Unit)]
        public var projections: [SpikingProjectionSpec]
    }

    public static let name = "spiking"
    public static let summary = "spiking units with exact spike times (docs/science.md §6)"
    public static let sections = ["spiking"]
    public static let exportedEvents: ExportedEvents? = .spikes
    public static let runKeys = SpikingRunOptions.keys

    public static let unitModels: [UnitModel<Unit>] = [
        UnitModel("lif", summary: "leaky integrate-and-fire, voltage-jump synapses, exact spike times (docs/science.md §6)",
                  timeUnit: "ms", keys: lifKeys) { node, _ in try lif(node) },
        UnitModel("lif-exp", summary: "leaky integrate-and-fire, exponential synaptic currents, exact spike times, as NEST's iaf_psc_exp_ps (docs/science.md §6)",
                  timeUnit: "ms", keys: lifExpKeys) { node, _ in try lifExp(node) },
        UnitModel("poisson", summary: "independent Poisson spike sources", timeUnit: "ms",
                  keys: [UnitKey("rate", "Hz", "firing rate of each source")]) { node, _ in
            Unit(kind: .poisson(rate: try node.double("rate", in: 0...1e9)))
        },
        UnitModel("spike-times", summary: "sources that all spike at the given times", timeUnit: "ms",
                  keys: [UnitKey("times", "ms", "strictly increasing spike times")]) { node, _ in try spikeTimes(node) },
        UnitModel("spike-trace", summary: "sources replaying the spikes of a population in a recorded trace", timeUnit: "ms",
                  keys: TraceSource.keyDocs.filter { $0.name != "initial_state" }) { node, unit in try spikeTrace(node, unit) },
        UnitModel("sonata-spikes", summary: "sources replaying a population of a SONATA spike file (.h5)", timeUnit: "ms", keys: sonataSpikeKeys) { node, unit in try sonataSpikes(node, unit) },
    ]

    /// Song, Miller & Abbott (2000) parameters scaled to mV jumps.
    static let stdpDefaults: [String: Double] = ["a_plus": 0.01, "a_minus": 0.0105, "tau_plus": 16.8, "tau_minus": 33.7, "w_max": 1]
    static let stdpRanges: [String: ClosedRange<Double>] = ["a_plus": 0...1e12, "a_minus": 0...1e12, "tau_plus": 1e-12...1e12,
                                                            "tau_minus": 1e-12...1e12, "w_max": 1e-12...1e12]

    public static let rules: [RuleEntry] = [
        RuleEntry(type: "stdp", summary: "pair-based STDP with traces, additive: Δw = A₊x on post, −A₋y on pre, w in [0, w_max]",
                  trigger: .spikes, parameters: stdpDefaults, ranges: stdpRanges) { p in PairSTDP(p.values, .additive) },
        RuleEntry(type: "stdp-multiplicative", summary: "pair-based STDP, Δw = A₊(1 − w/w_max)x on post, −A₋(w/w_max)y on pre",
                  trigger: .spikes, parameters: stdpDefaults, ranges: stdpRanges) { p in PairSTDP(p.values, .multiplicative) },
    ]

    public static func spec(_ input: FamilyInput<Unit>, model: ModelSpec) throws -> Spec {
        var queue = SpikeQueueKind.ring
        if let node = input.sections["spiking"] {
            try node.checkKeys(["queue"])
            queue = SpikeQueueKind(rawValue: try node.choice("queue", SpikeQueueKind.allCases.map(\.rawValue), default: "ring"))!
        }
        var projections: [SpikingProjectionSpec] = []
        for p in input.projections {
            let ends = [p.from, p.to].map { n in model.populations.first { $0.name == n }! }
            projections.append(try projection(p.node, from: ends[0], to: ends[1], rules: model.rules))
        }
        try checkTimeScales(populations: input.populations, projections: projections, rules: model.rules)
        return Spec(queue: queue, populations: input.populations.map { ($0.population.name, $0.population.model, $0.population.size, $0.unit) },
                    projections: projections)
    }

    public static func layout(_ spec: Spec) -> [(name: String, model: String, size: Int)] {
        spec.populations.map { ($0.name, $0.model, $0.size) }
    }

    /// Connectivity from the streams "connectivity:<projection>", drawn weights
    /// from "weights:<projection>", drawn delays from "delays:<projection>",
    /// initial potentials from "init:<population>", source spikes from "spike-sources".
    public static func build(_ spec: Spec, context: BuildContext) throws -> SpikingNetwork {
        var pops: [SpikingPopulation] = []
        var first = 0
        for p in spec.populations {
            pops.append(SpikingPopulation(name: p.name, kind: p.unit.kind, first: first, size: p.size))
            first += p.size
        }
        let index = Dictionary(uniqueKeysWithValues: pops.enumerated().map { ($1.name, $0) })
        var projections: [SpikingProjection] = []
        for proj in spec.projections {
            let pre = index[proj.from]!, post = index[proj.to]!
            var rng = context.rng("connectivity:" + proj.name)
            var rows = proj.connectivity.rows(preCount: pops[pre].size, postCount: pops[post].size,
                                              allowSelf: pre != post || proj.selfConnections, rng: &rng)
            var weightRNG = context.rng("weights:" + proj.name)
            var drawn = proj.weight.draw(count: rows.synapseCount, rng: &weightRNG)
            var delayRNG = context.rng("delays:" + proj.name)
            var delays = proj.delay.draw(count: rows.synapseCount, rng: &delayRNG)
            if let d = delays { (rows, delays, drawn) = SpikingProjection.sortedByDelay(rows: rows, delays: d, weights: drawn) }
            var projection = SpikingProjection(name: proj.name, pre: pre, post: post, rows: rows, weight: proj.weight.mean,
                                               delay: proj.delay.minimum, synapseDelays: delays)
            let plasticity = try proj.rule.map { name -> STDPSynapses in
                let entry = context.model.rules.first { $0.name == name }!
                let made = entry.entry.make(RuleParameters(values: entry.parameters, presynapticCount: pops[pre].size))
                guard made.traceTimeConstants != nil else { throw entry.node.error(expected: "a spike-timing rule") }
                let wMax = entry.parameters["w_max"] ?? .infinity
                return STDPSynapses(rule: made, rows: rows, initialWeights: drawn?.map { min(max($0, 0), wMax) }
                                        ?? [Double](repeating: proj.weight.mean, count: rows.synapseCount),
                                    groupStart: projection.hasSynapseDelays ? projection.groupStart : nil)
            }
            projection.synapseWeights = plasticity == nil ? drawn?.map { Float($0) } : nil
            projection.plasticity = plasticity
            projections.append(projection)
        }
        let net = SpikingNetwork(populations: pops, projections: projections, queue: spec.queue, firstID: context.firstID,
                                 sinks: context.sinks, rng: context.rng("spike-sources"))
        for (p, s) in zip(pops, spec.populations) {
            switch s.unit.initialVoltage {
            case .value(let v)?: for i in p.range { net.setVoltage(i, v) }
            case .uniform(let lo, let hi)?:
                var rng = context.rng("init:" + p.name)
                for i in p.range { net.setVoltage(i, lo + (hi - lo) * rng.nextUnit()) }
            case nil: break
            }
        }
        let ranks = context.exchange?.size ?? 1
        if context.threads > 1 || ranks > 1 {
            if let why = net.shardingObstacle {
                throw ModelError(file: context.model.file, path: "projections",
                                 expected: "static projections with one delay each to split the network over \(ranks) rank(s) × \(context.threads) thread(s)",
                                 found: why)
            }
            let rank = context.exchange?.rank ?? 0
            net.split(into: ranks * context.threads, keeping: (rank * context.threads)..<((rank + 1) * context.threads),
                      exchange: ranks > 1 ? context.exchange : nil)
        }
        return net
    }

    public static func runOptions(_ node: SpecNode, model: ModelSpec) throws -> (any FamilyRunOptions)? {
        try SpikingRunOptions(node: node, model: model)
    }
}

extension SpikingFamily {
    public static func describeProjections(_ spec: Spec) -> [String] {
        spec.projections.map { p in
            let unit = spec.populations.first { $0.name == p.to }?.model == "lif-exp" ? "pA" : "mV"
            return "\(p.name): \(p.from) → \(p.to), \(p.connectivity), weight \(p.weight) \(unit), delay \(p.delay) ms" + (p.rule.map { ", plastic (\($0))" } ?? "")
        }
    }
}
