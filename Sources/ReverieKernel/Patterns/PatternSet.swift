/// P patterns ξ^μ ∈ {±1}^N, stored row by row.
public struct PatternSet: Sendable, Equatable {
    public let count: Int
    public let size: Int
    public private(set) var values: [Double]

    public init(count: Int, size: Int, values: [Double]) {
        precondition(values.count == count * size, "pattern data size mismatch")
        self.count = count; self.size = size; self.values = values
    }

    /// Independent units with P(ξ = +1) = (1 + bias) / 2.
    public static func random(count: Int, size: Int, bias: Double = 0, rng: inout RandomStream) -> PatternSet {
        let p = (1 + bias) / 2
        var v = [Double]()
        v.reserveCapacity(count * size)
        for _ in 0..<(count * size) { v.append(rng.nextSpin(probabilityOfPlus: p)) }
        return PatternSet(count: count, size: size, values: v)
    }

    public subscript(_ mu: Int) -> [Double] {
        Array(values[(mu * size)..<((mu + 1) * size)])
    }

    /// A copy of pattern μ with exactly round(N (1 − m0) / 2) units flipped, chosen
    /// uniformly, so its overlap with ξ^μ is m0 (to within 2/N).
    public func corrupted(_ mu: Int, initialOverlap m0: Double, rng: inout RandomStream) -> [Double] {
        var x = self[mu]
        let flips = Int((Double(size) * (1 - m0) / 2).rounded())
        var order = Array(0..<size)
        // Partial Fisher–Yates: the first `flips` entries are a uniform subset.
        for k in 0..<min(flips, size) {
            let j = k + rng.nextInt(below: size - k)
            order.swapAt(k, j)
            x[order[k]] = -x[order[k]]
        }
        return x
    }

    /// The closed form of Hebbian storage: J_ij = (η/N) Σ_μ ξ_i^μ ξ_j^μ, J_ii = 0
    /// (Hopfield 1982), one rank-1 pass per pattern.
    public func hebbianCouplings(eta: Double = 1) -> DenseWeights {
        var w = DenseWeights(preCount: size, postCount: size)
        let scale = eta / Double(size)
        for mu in 0..<count {
            let xi = self[mu]
            DenseKernels.rank1(&w, rows: xi.map { scale * $0 }[...], columns: xi)
        }
        for i in 0..<size { w[pre: i, post: i] = 0 }
        return w
    }
}
