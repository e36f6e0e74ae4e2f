import ReverieSpec

extension DenseAssociativeFamily {
    /// The memories ξ and ξᵀ (2 × 8 B per synapse) and, when they are trained, the
    /// gradient, the velocity and a method's importances and anchors (4 × 8 B more);
    /// 24 B per memory unit and 56 B per visible unit.
    public static func memory(_ spec: Spec, model: ModelSpec) -> [MemoryUse] {
        let k = Double(spec.memoryCount), n = Double(spec.size)
        let trained = model.phases.contains { $0.kind == DAMTrainPhase.kind || $0.kind == DAMTasksPhase.kind }
        let node = model.populations.first { $0.name == spec.population }!.node
        return [MemoryUse("dam \(spec.population): \(spec.memoryCount) memories × \(spec.size) synapses (\(trained ? 6 : 2) × 8 B each)",
                          bytes: (trained ? 48 : 16) * k * n + 24 * k + 56 * n, node: node["memories"] ?? node)]
    }
}
