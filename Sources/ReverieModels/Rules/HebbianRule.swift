import ReverieKernel

/// Hebbian storage (docs/science.md §2): while a pattern is clamped, each synapse adds
/// `(η/N) s_i s_j` from the states its two units sent. Summed over P patterns this
/// gives `J_ij = (η/N) Σ_μ ξ_i^μ ξ_j^μ` (Hopfield 1982, doi:10.1073/pnas.79.8.2554),
/// with `J_ii = 0` when the projection has no self-synapses.
///
/// With a negative sign, applied at the fixed point of a dream, it is the
/// anti-Hebbian ("unlearning") step of Hopfield, Feinstein & Palmer (1983,
/// doi:10.1038/304158a0): `J_ij ← J_ij − (ε/N) s*_i s*_j`.
public struct HebbianRule: PlasticityRule {
    /// η/N (negative for anti-Hebbian).
    public var scale: Double
    public let trigger: PlasticityTrigger
    public init(scale: Double, trigger: PlasticityTrigger = .clamped) { self.scale = scale; self.trigger = trigger }

    @inlinable
    public func delta(weight: Double, pre: LocalSignal, post: LocalSignal) -> Double {
        scale * post.activity * pre.activity
    }

    /// One rank-1 pass over a dense projection.
    public var fastKernel: FastKernel? { .rank1(scale: scale) }
}
