import ReverieSpec

extension PredictiveCodingFamily {
    /// Per population: the N × N weights and the per-unit state of both integrators (about 40 doubles per neuron).
    public static func memory(_ spec: Spec, model: ModelSpec) -> [MemoryUse] {
        spec.populations.map { p in
            let n = Double(p.size)
            let node = model.populations.first { $0.name == p.name }!.node
            return MemoryUse("pc population \(p.name) (\(p.size)² weights, 8 B each)", bytes: 8 * n * n + 320 * n, node: node["size"] ?? node)
        }
    }
}
