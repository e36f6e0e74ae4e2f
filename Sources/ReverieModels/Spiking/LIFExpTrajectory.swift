import Foundation

/// The distance to threshold of a `lif-exp` unit from time t₀ on, without
/// further input, in closed form (see `LIFExpParameters`):
///
///     g(τ) = V(t₀ + τ) − V_th = c + (p + q τ) e^{−λ_m τ} + r_ex e^{−λ_ex τ} + r_in e^{−λ_in τ},
///
/// λ = 1/τ. Its derivative has the same form (`derivative`), which is what
/// the crossing search uses.
///
/// `firstCrossing(within:)` finds the first τ in [0, Δ] with g(τ) ≥ 0 exactly,
/// excursions above threshold that end before Δ included (NEST's
/// `iaf_psc_exp_ps` tests the threshold only at the ends of its steps and
/// misses those; `iaf_psc_exp_ps_lossless` detects them by a state-space
/// test, Krishnan et al. 2018). Each term is monotone or unimodal on an
/// interval, so the sum of its term-wise maxima bounds g from above, and the
/// same for g′ bounds the slope. On [a, b] with g(a) < 0:
/// - upper bound of g below 0: no crossing;
/// - g′ ≥ 0 throughout: a crossing iff g(b) ≥ 0, refined by Newton's method
///   kept inside the bracket (bisection when a step leaves it), to 1e-15 ms;
/// - g′ ≤ 0 throughout: no crossing;
/// - otherwise split at the midpoint and search the halves in order.
/// The bounds tighten linearly with the interval, so the split ends after a
/// few levels except at a tangency (a maximum within rounding of V_th), where
/// it stops at 2⁻⁶⁰ of the interval.
struct LIFExpTrajectory {
    var c: Double
    var p: Double
    var q: Double
    var rEx: Double
    var rIn: Double
    let lM: Double
    let lEx: Double
    let lIn: Double

    @inline(__always) func value(_ t: Double) -> Double {
        c + (p + q * t) * Foundation.exp(-lM * t) + rEx * Foundation.exp(-lEx * t) + rIn * Foundation.exp(-lIn * t)
    }

    /// g′ in the same form.
    var derivative: LIFExpTrajectory {
        LIFExpTrajectory(c: 0, p: q - lM * p, q: -lM * q, rEx: -lEx * rEx, rIn: -lIn * rIn, lM: lM, lEx: lEx, lIn: lIn)
    }

    /// The least and greatest values of g on [a, b]: per term, the ends and,
    /// for (p + q τ) e^{−λ τ}, its one stationary point τ* = 1/λ − p/q.
    func bounds(_ a: Double, _ b: Double) -> (lower: Double, upper: Double) {
        var lo = c, hi = c
        let ea = Foundation.exp(-lM * a), eb = Foundation.exp(-lM * b)
        var m0 = (p + q * a) * ea, m1 = (p + q * b) * eb
        if m0 > m1 { swap(&m0, &m1) }
        if q != 0 {
            let ts = 1 / lM - p / q
            if ts > a && ts < b {
                let ms = (p + q * ts) * Foundation.exp(-lM * ts)
                m0 = min(m0, ms); m1 = max(m1, ms)
            }
        }
        lo += m0; hi += m1
        @inline(__always) func monotone(_ r: Double, _ l: Double) {
            guard r != 0 else { return }
            let x = r * Foundation.exp(-l * a), y = r * Foundation.exp(-l * b)
            lo += min(x, y); hi += max(x, y)
        }
        monotone(rEx, lEx)
        monotone(rIn, lIn)
        return (lo, hi)
    }

    /// The first τ in [0, `end`] with g(τ) ≥ 0, or nil if g stays below 0 there.
    func firstCrossing(within end: Double) -> Double? {
        if value(0) >= 0 { return 0 }
        guard end > 0 else { return nil }
        return search(0, end, slope: derivative, depth: 60)
    }

    /// The first crossing in (a, b], given g(a) < 0.
    private func search(_ a: Double, _ b: Double, slope: LIFExpTrajectory, depth: Int) -> Double? {
        if bounds(a, b).upper < 0 { return nil }
        let gb = value(b)
        let s = slope.bounds(a, b)
        if s.lower >= 0 { return gb >= 0 ? refine(a, b, slope: slope) : nil }
        if s.upper <= 0 { return nil }
        if depth == 0 || b - a <= 1e-15 * max(1, b) { return gb >= 0 ? b : nil }
        let m = 0.5 * (a + b)
        if value(m) >= 0 { return search(a, m, slope: slope, depth: depth - 1) ?? m }
        return search(a, m, slope: slope, depth: depth - 1) ?? search(m, b, slope: slope, depth: depth - 1)
    }

    /// The root of g in (a, b], g nondecreasing there with g(a) < 0 ≤ g(b):
    /// Newton's method inside the shrinking bracket, to 1e-15 ms (relative
    /// beyond 1 ms). Near the root g is rounding noise of ~1e-19 mV, and the
    /// iterates creep by a few ulps: the tolerance ends that.
    private func refine(_ a: Double, _ b: Double, slope: LIFExpTrajectory) -> Double {
        var lo = a, hi = b
        var x = b
        for _ in 0..<100 {
            let gx = value(x)
            if gx >= 0 { hi = x } else { lo = x }
            let tolerance = 1e-15 * max(1, hi)
            if hi - lo <= tolerance { return hi }
            let d = slope.value(x)
            var next = d > 0 ? x - gx / d : .nan
            if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            if abs(next - x) <= tolerance { return next }
            x = next
        }
        return hi
    }
}
