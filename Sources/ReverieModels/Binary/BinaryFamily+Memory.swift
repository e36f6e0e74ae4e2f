import ReverieSpec

extension BinaryFamily {
    /// Per unit: state, field, watched, reported, sweep order, owner (6 × 8 B).
    /// Dense projections: 8 B per pair; sparse ones: a 4 B target and an 8 B
    /// weight per expected synapse, twice during construction, and 8 B per row.
    public static func memory(_ spec: Spec, model: ModelSpec) -> [MemoryUse] {
        let units = spec.populations.reduce(0.0) { $0 + Double($1.size) }
        var uses = [MemoryUse("\(Int(units)) binary units (48 B each)", bytes: 48 * units, node: model.root["populations"] ?? model.root)]
        func size(_ name: String) -> Double {
            Double(model.populations.first { $0.name == name }!.size)
        }
        for p in spec.projections {
            let pre = size(p.from), post = size(p.to)
            switch p.kind {
            case .dense:
                uses.append(MemoryUse("projection \(p.name) (dense, \(Int(pre)) × \(Int(post)) weights, 8 B each)", bytes: 8 * pre * post,
                                      node: p.node["connectivity"] ?? p.node))
            case .sparse(let rule):
                let synapses = rule.expectedSynapses(preCount: Int(pre), postCount: Int(post))
                uses.append(MemoryUse("projection \(p.name) (about \(Int(synapses)) synapses, 24 B each while built)",
                                      bytes: 24 * synapses + 8 * pre, node: p.node["connectivity"] ?? p.node))
            }
        }
        return uses
    }
}
