import ReverieSpec

extension SpikingFamily {
    /// Per unit about 64 B (membrane, refractory end, flags, scratch, statistics),
    /// 24 B more in a network with lif-exp units (two currents, last input).
    /// Per synapse a 4 B target (8 B more while drawn), 4 B with its own static
    /// weight (8 B while drawn), 16 B when plastic, 24 B with its own delay (8 B
    /// kept, 16 B while drawn and sorted); 8 B per row. The ring of
    /// delay slots holds ⌈max delay / slot width⌉ + 2 slots of 8 B
    /// (`spiking.queue: heap` has no ring).
    public static func memory(_ spec: Spec, model: ModelSpec) -> [MemoryUse] {
        let units = spec.populations.reduce(0.0) { $0 + Double($1.size) }
        let perUnit: Double = spec.populations.contains { $0.unit.kind.lifExp != nil } ? 88 : 64
        var uses = [MemoryUse("\(Int(units)) spiking units (\(Int(perUnit)) B each)", bytes: perUnit * units,
                              node: model.root["populations"] ?? model.root)]
        for p in spec.populations {
            if case .spikeTrain(let spikes) = p.unit.kind {
                let node = model.populations.first { $0.name == p.name }!.node
                uses.append(MemoryUse("population \(p.name)'s \(spikes.count) recorded spikes (16 B each)", bytes: 16 * Double(spikes.count),
                                      node: node["trace"] ?? node))
            }
        }
        func size(_ name: String) -> Int { model.populations.first { $0.name == name }!.size }
        for p in spec.projections {
            let synapses = p.connectivity.expectedSynapses(preCount: size(p.from), postCount: size(p.to))
            let own: Double = (p.rule != nil ? 24 : (p.weight == .constant(p.weight.mean) ? 0 : 12)) + (p.delay == .constant(p.delay.minimum) ? 0 : 24)
            uses.append(MemoryUse("projection \(p.name) (about \(Int(synapses)) synapses)", bytes: (12 + own) * synapses + 8 * Double(size(p.from)),
                                  node: p.node["connectivity"] ?? p.node))
        }
        if spec.queue == .ring, let longest = spec.projections.max(by: { $0.delay.maximum < $1.delay.maximum }) {
            let width = slotWidth(spec)
            uses.append(MemoryUse("the ring of delay slots (\(longest.delay.maximum) ms in slots of \(width) ms; spiking.queue: heap has none)",
                                  bytes: 8 * (longest.delay.maximum / width + 2), node: longest.node["delay"] ?? longest.node))
        }
        return uses
    }

    /// d_min: the smallest delay or nonzero refractory period (1 ms if there is neither).
    static func slotWidth(_ spec: Spec) -> Double {
        let refractory = spec.populations.compactMap(\.unit.kind.refractoryPeriod).filter { $0 > 0 }
        return (spec.projections.map(\.delay.minimum) + refractory).min() ?? 1
    }
}
