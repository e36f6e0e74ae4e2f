import ReverieKernel

/// How well stored patterns sit in a network (docs/science.md §3).
///
/// Stabilities `Δ_i^μ = ξ_i^μ h_i(ξ^μ) / sqrt(Σ_j J_ij²)` with `h_i(ξ) = Σ_j J_ij ξ_j`;
/// pattern μ is a fixed point iff `min_i Δ_i^μ > 0` (Gardner 1988; Benedetti et al. 2022).
public struct StabilityMeasures: Sendable, Equatable {
    public let patternCount: Int
    public let size: Int
    /// Δ_i^μ stored pattern by pattern (`[μ * size + i]`).
    public let stabilities: [Double]

    /// Stabilities of every pattern under the couplings of a recurrent projection
    /// (`J_ij` is the weight from j to i).
    public init(couplings: Connectivity, patterns: PatternSet) {
        precondition(couplings.preCount == patterns.size && couplings.postCount == patterns.size, "shape mismatch")
        let n = patterns.size
        var norms = [Double](repeating: 0, count: n)
        for j in 0..<n { couplings.forEachSynapse(from: j) { i, w in norms[i] += w * w } }
        var d = [Double](repeating: 0, count: patterns.count * n)
        var h = [Double](repeating: 0, count: n)
        for mu in 0..<patterns.count {
            Self.fields(couplings, of: patterns, mu, into: &h)
            for i in 0..<n {
                let xi = patterns.values[mu * n + i]
                d[mu * n + i] = norms[i] > 0 ? xi * h[i] / norms[i].squareRoot() : 0
            }
        }
        patternCount = patterns.count; size = n; stabilities = d
    }

    /// min_i Δ_i^μ for each pattern.
    public var minimumPerPattern: [Double] {
        (0..<patternCount).map { mu in stabilities[(mu * size)..<((mu + 1) * size)].min() ?? 0 }
    }
    /// Fraction of patterns that are exact fixed points.
    public var fractionStable: Double {
        patternCount == 0 ? 1 : Double(minimumPerPattern.filter { $0 > 0 }.count) / Double(patternCount)
    }
    /// Δ_min = min over patterns and units.
    public var minimum: Double { stabilities.min() ?? 0 }
    public var mean: Double { stabilities.isEmpty ? 0 : stabilities.reduce(0, +) / Double(stabilities.count) }

    /// Quantiles of Δ (nearest rank) for each q in 0...1.
    public func quantiles(_ qs: [Double]) -> [Double] {
        let sorted = stabilities.sorted()
        guard !sorted.isEmpty else { return qs.map { _ in 0 } }
        return qs.map { sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * $0).rounded(.up)) - 1))] }
    }

    /// Whether every pattern is a fixed point (`ξ_i h_i(ξ) > 0` for all i),
    /// stopping at the first one that is not.
    public static func allFixedPoints(couplings: Connectivity, patterns: PatternSet) -> Bool {
        var h = [Double](repeating: 0, count: patterns.size)
        for mu in 0..<patterns.count {
            fields(couplings, of: patterns, mu, into: &h)
            for i in 0..<patterns.size where patterns.values[mu * patterns.size + i] * h[i] <= 0 { return false }
        }
        return true
    }

    /// h_i(ξ^μ) = Σ_j J_ij ξ_j^μ, row by presynaptic row.
    static func fields(_ couplings: Connectivity, of patterns: PatternSet, _ mu: Int, into h: inout [Double]) {
        let n = patterns.size
        for i in 0..<n { h[i] = 0 }
        let xi = patterns.values[(mu * n)..<(mu * n + n)]
        switch couplings {
        case .dense(let w):
            DenseKernels.project(w, xi, into: &h)
        case .sparse:
            for j in 0..<n { couplings.forEachSynapse(from: j) { i, w in h[i] += w * xi[mu * n + j] } }
        }
    }
}
