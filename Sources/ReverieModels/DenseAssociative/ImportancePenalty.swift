import ReverieKernel
import ReverieSpec

/// Regularisation by parameter importance: after task k the memories ξ*_k and a
/// per-synapse importance Ω_k (scaled so that its largest entry is 1) are kept,
/// and later tasks add (λ/2) Σ_k Σ_{μ,j} Ω_k (ξ_j^μ − ξ*_{k,j}^μ)² to the loss, whose
/// gradient λ (Σ_k Ω_k ⊙ ξ − Σ_k Ω_k ⊙ ξ*_k) costs O(KN) whatever the number of tasks.
///
/// - `ewc` (Kirkpatrick et al. 2017): Ω is the diagonal empirical Fisher
///   information, the mean over the task's items of the squared gradient of the
///   item's loss;
/// - `mas` (Aljundi et al. 2018): Ω is the mean over the items of |∂ Σ_d Y_d² / ∂ξ|,
///   the sensitivity of the read-out (no labels needed).
///
/// Gradients at the final temperature of training.
public struct ImportancePenalty: Sendable {
    public enum Importance: Sendable { case fisher, mas }

    let importance: Importance
    let lambda: Double
    var omega: [Double] = []
    var omegaAnchor: [Double] = []

    init(importance: Importance, node: SpecNode) throws {
        self.importance = importance
        lambda = try node.double("lambda", default: 1, in: 0...1e15)
    }

    var penalty: (@Sendable (DenseWeights, inout [Double]) -> Void)? {
        guard !omega.isEmpty else { return nil }
        let (o, a, l) = (omega, omegaAnchor, lambda)
        return { xi, g in
            for q in g.indices {
                let pull: Double = o[q] * xi.weights[q] - a[q]
                g[q] += l * pull
            }
        }
    }

    /// Σ_d Y_d² and its derivative 2Y(1 − Y²) with respect to z = atanh Y.
    static let outputSignal: DAMTrainer.Signal = { y, _ in
        let sensitivity: Double = 2 * y * (1 - y * y)
        return (y * y, sensitivity)
    }

    mutating func endTask(_ end: TaskEnd) {
        let xi = end.network.memories, count = xi.weights.count
        let trainer = end.trainer
        let c = trainer.settings.scale(epoch: trainer.settings.epochs, units: xi.postCount)
        let signal = importance == .fisher ? trainer.lossSignal : Self.outputSignal
        var total = [Double](repeating: 0, count: count)
        var g = [Double](repeating: 0, count: count)
        for x in end.items {
            for q in g.indices { g[q] = 0 }
            trainer.accumulate(x, memories: xi, scale: c, signal: signal, into: &g)
            for q in g.indices { total[q] += importance == .fisher ? g[q] * g[q] : abs(g[q]) }
        }
        let largest = total.max() ?? 0
        if omega.isEmpty { omega = total.map { _ in 0 }; omegaAnchor = omega }
        guard largest > 0 else { return }
        for q in total.indices {
            let o = total[q] / largest
            omega[q] += o
            omegaAnchor[q] += o * xi.weights[q]
        }
    }

    /// Elastic weight consolidation with the diagonal Fisher importance.
    public struct EWC: ContinualMethod {
        public static let type = "ewc"
        public static let keys = ["lambda"]
        var core: ImportancePenalty
        public init(node: SpecNode) throws { core = try ImportancePenalty(importance: .fisher, node: node) }
        public var penalty: (@Sendable (DenseWeights, inout [Double]) -> Void)? { core.penalty }
        public mutating func endTask(_ end: TaskEnd) throws { core.endTask(end) }
    }

    /// Memory-aware synapses.
    public struct MAS: ContinualMethod {
        public static let type = "mas"
        public static let keys = ["lambda"]
        var core: ImportancePenalty
        public init(node: SpecNode) throws { core = try ImportancePenalty(importance: .mas, node: node) }
        public var penalty: (@Sendable (DenseWeights, inout [Double]) -> Void)? { core.penalty }
        public mutating func endTask(_ end: TaskEnd) throws { core.endTask(end) }
    }
}
