import Foundation
import ReverieKernel

/// Exact draws from Binomial(n, p) by inversion of a table of its distribution
/// function, for many draws with the same n and p: O(n) to build, then one
/// uniform and a binary search (O(log n)) per draw.
///
/// The weights come from the recurrence `P(k + 1)/P(k) = (n − k)/(k + 1) · p/(1 − p)`
/// in logarithms from the mode, so nothing overflows; weights below the smallest
/// double (≈ e^−745 of the mode's) are zero, far beyond what 53-bit uniforms resolve.
/// A draw is the smallest k with `u < F(k)`, u uniform in [0, 1).
public struct BinomialSampler: Sendable {
    public let trials: Int
    public let probability: Double
    /// F(k) = P(K ≤ k), k = 0 … n; F(n) = 1.
    let cumulative: [Double]

    public init(trials n: Int, probability p: Double) {
        precondition(n >= 0 && p >= 0 && p <= 1, "need n ≥ 0 and 0 ≤ p ≤ 1")
        trials = n; probability = p
        if p == 0 || p == 1 || n == 0 {
            cumulative = p == 1 ? Array(repeating: 0, count: n) + [1] : Array(repeating: 1, count: n + 1)
            return
        }
        let mode = min(n, Int((Double(n + 1) * p).rounded(.down)))
        let odds = log(p) - log1p(-p)
        var logWeight = [Double](repeating: 0, count: n + 1)
        for k in stride(from: mode, to: n, by: 1) {
            logWeight[k + 1] = logWeight[k] + log(Double(n - k) / Double(k + 1)) + odds
        }
        for k in stride(from: mode, to: 0, by: -1) {
            logWeight[k - 1] = logWeight[k] - log(Double(n - k + 1) / Double(k)) - odds
        }
        var f = logWeight.map { exp($0) }
        for k in 1...n { f[k] += f[k - 1] }
        let total = f[n]
        for k in 0...n { f[k] /= total }
        f[n] = 1
        cumulative = f
    }

    /// One draw, K ∈ 0 … n.
    public func draw(_ rng: inout RandomStream) -> Int {
        let u = rng.nextUnit()
        var lo = 0, hi = trials  // F(hi) = 1 > u
        while lo < hi {
            let mid = (lo + hi) / 2
            if u < cumulative[mid] { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
