import Foundation
import ReverieKernel
import ReverieModels

extension RunContext {
    /// How the spiking populations are numbered in traces: after the binary and
    /// predictive-coding units, in model order.
    var spikingPopulations: [RunDescription.Population] {
        var next = UInt32(network.unitCount) + pcPopulations.reduce(0) { $0 + UInt32($1.size) }
        var out: [RunDescription.Population] = []
        for p in model.populations where p.spiking != nil {
            out.append(.init(name: p.name, model: p.model, firstID: next, size: p.size))
            next += UInt32(p.size)
        }
        return out
    }

    /// The spiking network of the model, built on first use: connectivity from
    /// the streams "connectivity:<projection>", initial potentials from
    /// "init:<population>", source spikes from "spike-sources".
    public func spikingNetwork() -> SpikingNetwork {
        extensionNetwork("spiking") { buildSpikingNetwork() }
    }

    /// The spiking network if a phase has built it.
    var builtSpikingNetwork: SpikingNetwork? { extensions["spiking"] as? SpikingNetwork }

    func buildSpikingNetwork() -> SpikingNetwork {
        let specs = model.populations.filter { $0.spiking != nil }
        var pops: [SpikingPopulation] = []
        var first = 0
        for p in specs {
            pops.append(SpikingPopulation(name: p.name, kind: p.spiking!, first: first, size: p.size))
            first += p.size
        }
        let index = Dictionary(uniqueKeysWithValues: pops.enumerated().map { ($1.name, $0) })
        var projections: [SpikingProjection] = []
        for spec in model.spikingProjections {
            let pre = index[spec.from]!, post = index[spec.to]!
            let np = pops[pre].size, nq = pops[post].size
            let allowSelf = pre != post || spec.selfConnections
            var rng = RandomStream(seed: seed, stream: Self.stream("connectivity:" + spec.name))
            let rows: SynapseRows
            switch spec.connectivity {
            case .fixedInDegree(let k): rows = .fixedInDegree(k, preCount: np, postCount: nq, allowSelf: allowSelf, rng: &rng)
            case .probability(let p): rows = .probability(p, preCount: np, postCount: nq, allowSelf: allowSelf, rng: &rng)
            case .oneToOne: rows = .oneToOne(count: np)
            case .allToAll: rows = .allToAll(preCount: np, postCount: nq, allowSelf: allowSelf)
            }
            var weightRNG = RandomStream(seed: seed, stream: Self.stream("weights:" + spec.name))
            let drawn = spec.weight.draw(count: rows.synapseCount, rng: &weightRNG)
            let plasticity = spec.rule.map { name -> STDPSynapses in
                let entry = model.rules.first { $0.name == name }!
                let rule = SpikeTimingRegistry.entry(entry.type)!.make(entry.parameters)
                return STDPSynapses(rule: rule, rows: rows, initialWeights: drawn?.map { min(max($0, 0), rule.wMax) }
                                        ?? [Double](repeating: spec.weight.mean, count: rows.synapseCount))
            }
            projections.append(SpikingProjection(name: spec.name, pre: pre, post: post, rows: rows, weight: spec.weight.mean,
                                                 delay: spec.delay, synapseWeights: plasticity == nil ? drawn?.map { Float($0) } : nil,
                                                 plasticity: plasticity))
        }
        let net = SpikingNetwork(populations: pops, projections: projections, queue: model.spiking.queue,
                                 firstID: spikingPopulations.first?.firstID ?? 0, sinks: sinks,
                                 rng: RandomStream(seed: seed, stream: Self.stream("spike-sources")))
        for (p, spec) in zip(pops, specs) {
            switch spec.initialVoltage {
            case .value(let v)?: for i in p.range { net.setVoltage(i, v) }
            case .uniform(let lo, let hi)?:
                var rng = RandomStream(seed: seed, stream: Self.stream("init:" + p.name))
                for i in p.range { net.setVoltage(i, lo + (hi - lo) * rng.nextUnit()) }
            case nil: break
            }
        }
        return net
    }
}
