import Foundation

/// The interaction function F of a dense associative memory (docs/science.md §7),
/// E(σ) = −Σ_μ F(c ξ^μ·σ):
///
/// - `polynomial`: F(x) = xⁿ (Krotov & Hopfield 2016; n = 2 is Hopfield's network);
/// - `rectified`: F(x) = xⁿ for x > 0, else 0;
/// - `leakyRectified`: F(x) = xⁿ for x > 0, else `slope`·x (the authors' library
///   uses slope 0.01);
/// - `exponential`: F(x) = eˣ (Demircigil, Heusel, Löwe, Upgang & Vermet 2017).
///
/// Integer powers are products (binary exponentiation), so integer and dyadic
/// arguments give exact values and the same bits on every platform.
public enum InteractionFunction: Sendable, Equatable {
    case polynomial(degree: Int)
    case rectified(degree: Int)
    case leakyRectified(degree: Int, slope: Double)
    case exponential

    /// The names used in model files (`interaction:`).
    public static let names = ["polynomial", "rectified-polynomial", "leaky-rectified-polynomial", "exponential"]

    public var name: String {
        switch self {
        case .polynomial: return "polynomial"
        case .rectified: return "rectified-polynomial"
        case .leakyRectified: return "leaky-rectified-polynomial"
        case .exponential: return "exponential"
        }
    }

    /// The degree n (the interaction vertex); nil for the exponential.
    public var degree: Int? {
        switch self {
        case .polynomial(let n), .rectified(let n), .leakyRectified(let n, _): return n
        case .exponential: return nil
        }
    }

    /// xⁿ by binary exponentiation.
    @inlinable @inline(__always)
    static func power(_ x: Double, _ n: Int) -> Double {
        var result = 1.0, base = x, e = n
        while e > 0 {
            if e & 1 == 1 { result *= base }
            e >>= 1
            if e > 0 { base *= base }
        }
        return result
    }

    /// F(x).
    @inlinable
    public func callAsFunction(_ x: Double) -> Double {
        switch self {
        case .polynomial(let n): return Self.power(x, n)
        case .rectified(let n): return x > 0 ? Self.power(x, n) : 0
        case .leakyRectified(let n, let slope): return x > 0 ? Self.power(x, n) : slope * x
        case .exponential: return Foundation.exp(x)
        }
    }

    /// F′(x) (at x = 0 the rectified forms take their left branch, as autograd
    /// does for `where(x <= 0, …)`).
    @inlinable
    public func derivative(_ x: Double) -> Double {
        switch self {
        case .polynomial(let n): return Double(n) * Self.power(x, n - 1)
        case .rectified(let n): return x > 0 ? Double(n) * Self.power(x, n - 1) : 0
        case .leakyRectified(let n, let slope): return x > 0 ? Double(n) * Self.power(x, n - 1) : slope
        case .exponential: return Foundation.exp(x)
        }
    }

    /// (F(x), F′(x)) together (one power for the polynomial forms).
    @inlinable @inline(__always)
    public func valueAndDerivative(_ x: Double) -> (value: Double, derivative: Double) {
        switch self {
        case .polynomial(let n):
            let p = Self.power(x, n - 1)
            return (p * x, Double(n) * p)
        case .rectified(let n):
            guard x > 0 else { return (0, 0) }
            let p = Self.power(x, n - 1)
            return (p * x, Double(n) * p)
        case .leakyRectified(let n, let slope):
            guard x > 0 else { return (slope * x, slope) }
            let p = Self.power(x, n - 1)
            return (p * x, Double(n) * p)
        case .exponential:
            let e = Foundation.exp(x)
            return (e, e)
        }
    }

    /// What memory unit μ publishes for ±1 memories and states, from its overlap
    /// m = ξ^μ·σ (an integer) and c:
    ///
    ///     D₊ = F(c m) − F(c (m − 2)),  D₋ = F(c m) − F(c (m + 2)),
    ///     A = (D₊ + D₋)/2,             B = (D₊ − D₋)/2.
    ///
    /// Unit i's term of the update bracket is then
    /// F(c ξ^μ·σ^{(i,+)}) − F(c ξ^μ·σ^{(i,−)}) = σ_i (A + y B) with y = σ_i ξ_i^μ ∈ {±1}
    /// (see `DAMNetwork`). For the exponential, A = −2 e^{cm} sinh²c and
    /// B = e^{cm} sinh 2c: the same values without the cancellation in D±.
    @inlinable
    public func published(overlap m: Double, scale c: Double) -> (a: Double, b: Double) {
        if case .exponential = self {
            let e = Foundation.exp(c * m), s = Foundation.sinh(c)
            return (-2 * e * s * s, e * Foundation.sinh(2 * c))
        }
        let f = self(c * m)
        let dPlus = f - self(c * (m - 2)), dMinus = f - self(c * (m + 2))
        return ((dPlus + dMinus) / 2, (dPlus - dMinus) / 2)
    }
}

extension InteractionFunction {
    /// Memory μ's term of visible unit i's bracket from what the two ends know:
    /// the memory's overlap m = ξ^μ·σ, the synapse ξ = ξ_i^μ and the unit's state s,
    ///
    ///     F(c (m + (1 − s) ξ)) − F(c (m − (1 + s) ξ)),
    ///
    /// the overlaps of σ^{(i,+)} and σ^{(i,−)} with ξ^μ.
    @inlinable @inline(__always)
    public func bracketTerm(overlap m: Double, synapse xi: Double, state s: Double, scale c: Double) -> Double {
        self(c * (m + (1 - s) * xi)) - self(c * (m - (1 + s) * xi))
    }
}
