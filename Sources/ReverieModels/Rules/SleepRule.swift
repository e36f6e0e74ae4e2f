import ReverieKernel

/// The local sleep rule (docs/science.md §4): while random probes s drive the network,
/// each unit sends its probe state and the field it receives, `(s_i, h_i = Σ_j J_ij s_j)`,
/// and every synapse applies
///
///     ΔJ_ij = rate · [ (h_i s_j + h_j s_i)/2 − h_i h_j ].
///
/// Since E[h sᵀ] = J and E[h hᵀ] = J² over uniform ±1 probes, this follows
/// `dJ/dτ = J − J²` with `rate = dτ`, τ = ln(1 + t): the ODE `dJ/dt = (J − J²)/(1 + t)`
/// whose solution is the kernel J(t) of Fachechi, Agliari & Barra (2019).
public struct SleepRule: PlasticityRule {
    /// dτ = dt/(1 + t) per probe.
    public var rate: Double
    public var trigger: PlasticityTrigger { .probe }
    public init(rate: Double) { self.rate = rate }

    @inlinable
    public func delta(weight: Double, pre: LocalSignal, post: LocalSignal) -> Double {
        rate * (0.5 * (post.aux * pre.activity + pre.aux * post.activity) - post.aux * pre.aux)
    }
}
