import ReverieKernel

/// The predictive-coding weight rule (docs/science.md §5; Ganjidoost, Snow & Orchard
/// 2024): `γ dM_kj/dt = −σ(v_k) e_j`, presynaptic activity times postsynaptic error.
/// Integrated over a step Δt it is `ΔM_kj = −(Δt/γ) σ(v_k) e_j`.
///
/// A value/error pair shares `LocalSignal(activity: σ(v), aux: e)`; the synapse
/// k → j reads the activity of its presynaptic pair and the error of its
/// postsynaptic pair and nothing else.
public struct PCLearningRule: PlasticityRule {
    /// Δt/γ.
    public var rate: Double
    public var trigger: PlasticityTrigger { .online }
    public init(rate: Double) { self.rate = rate }

    @inlinable
    public func delta(weight: Double, pre: LocalSignal, post: LocalSignal) -> Double {
        -rate * pre.activity * post.aux
    }
}
