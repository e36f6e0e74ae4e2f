import Foundation

/// The signal-to-noise estimate of a dense associative memory's capacity for K
/// random ±1 patterns stored directly (docs/science.md §7; Krotov & Hopfield 2016).
///
/// At a stored pattern σ = ξ^1, unit i is stable when σ_i b_i > 0, and
///
///     σ_i b_i = [F(cN) − F(c(N − 2))] + Σ_{μ≥2} y_μ g(a_μ),   g(a) = F(c(a + 1)) − F(c(a − 1)),
///
/// with y_μ = ξ_i^μ ξ_i^1 = ±1 and a_μ = Σ_{j≠i} ξ_j^μ ξ_j^1 a sum of N − 1 independent ±1.
/// The first term is the signal S; the noise has mean 0 and variance
/// σ² = (K − 1) E[g(a)²] (the expectation summed exactly over the binomial law of a).
/// Treating the noise as Gaussian and the N units as independent,
/// P(ξ^1 is a fixed point) ≈ Φ(S/σ)^N, which is 1/2 at
/// K_½ = 1 + (S/z)²/E[g²], Φ(z) = 2^{−1/N}. The rectified polynomial has g ≈ 0
/// for a < −1, which halves E[g²] and doubles K_½.
public struct DAMSignalToNoise: Sendable {
    public let units: Int
    public let signal: Double
    /// E[g(a)²].
    public let noisePerMemory: Double

    public init(interaction f: InteractionFunction, units n: Int, scale c: Double) {
        units = n
        signal = f(c * Double(n)) - f(c * Double(n - 2))
        var e = 0.0
        let logHalf = Double(n - 1) * log(0.5)
        for k in 0...(n - 1) {
            let a = Double(2 * k - (n - 1))
            let logP = lgamma(Double(n)) - lgamma(Double(k + 1)) - lgamma(Double(n - k)) + logHalf
            let g = f(c * (a + 1)) - f(c * (a - 1))
            e += exp(logP) * g * g
        }
        noisePerMemory = e
    }

    /// Φ(x), the standard normal distribution function.
    static func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// P(a stored pattern is a fixed point) with K memories.
    public func fractionFixedPoints(memories k: Int) -> Double {
        guard k > 1 else { return 1 }
        let z = signal / (Double(k - 1) * noisePerMemory).squareRoot()
        return pow(Self.phi(z), Double(units))
    }

    /// K at which half of the stored patterns are fixed points.
    public var halfFixedMemories: Double {
        let target = pow(2, -1 / Double(units))
        var lo = 0.0, hi = 40.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if Self.phi(mid) < target { lo = mid } else { hi = mid }
        }
        let z = (lo + hi) / 2
        return 1 + (signal / z) * (signal / z) / noisePerMemory
    }
}
