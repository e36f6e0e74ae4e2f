import ReverieKernel

/// The dreaming kernel of Fachechi, Agliari & Barra (2019) with sleep time t
/// (docs/science.md §4):
///
///     J(t) = (1/N) ξᵀ (1 + t)(I + tC)^{-1} ξ,   C_μν = (1/N) Σ_i ξ_i^μ ξ_i^ν,
///
/// (ξ is P × N, one pattern per row). J(0) is Hebb, `(1/N) ξᵀξ`; as t → ∞ it tends
/// to the projector `(1/N) ξᵀ C^{-1} ξ` (Kanter & Sompolinsky 1987). J(t) solves
/// `dJ/dt = (J − J²)/(1 + t)` from J(0) with the diagonal included; for the
/// dynamics the diagonal is zeroed (`zeroDiagonal`), as for Hebbian storage.
///
/// Computed as `(1/N) ξᵀ (aI + bC)^{-1} ξ` with a = 1/(1+t), b = t/(1+t), which
/// stays well conditioned as t grows and is exactly the projector at t = ∞.
public enum SleepKernel {
    /// Nil when I + tC is singular (only possible at t = ∞ with linearly
    /// dependent patterns).
    public static func couplings(patterns xi: PatternSet, sleepTime t: Double, zeroDiagonal: Bool) -> DenseWeights? {
        precondition(t >= 0, "sleep time must be non-negative")
        let p = xi.count, n = xi.size
        let a = t.isInfinite ? 0 : 1 / (1 + t), b = t.isInfinite ? 1 : t / (1 + t)
        var m = [Double](repeating: 0, count: p * p)
        for mu in 0..<p {
            for nu in 0...mu {
                var c = 0.0
                for i in 0..<n { c += xi.values[mu * n + i] * xi.values[nu * n + i] }
                m[mu * p + nu] = b * c / Double(n)
                m[nu * p + mu] = m[mu * p + nu]
            }
            m[mu * p + mu] += a
        }
        guard let chol = CholeskyFactorization(m, size: p) else { return nil }
        var y = xi.values  // Y = (aI + bC)^{-1} ξ, P × N
        chol.solve(&y, columns: n)
        // J_ij = (1/N) Σ_μ ξ_i^μ Y_μj; symmetric, so row j (presynaptic) is Σ_μ Y_μj ξ^μ / N.
        var w = DenseWeights(preCount: n, postCount: n)
        let scale = 1 / Double(n)
        for mu in 0..<p {
            DenseKernels.rank1(&w, rows: y[(mu * n)..<(mu * n + n)].map { scale * $0 }[...], columns: xi[mu])
        }
        if zeroDiagonal { for i in 0..<n { w[pre: i, post: i] = 0 } }
        return w
    }
}
