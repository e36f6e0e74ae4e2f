import ReverieKernel

/// Continuous-time updates (docs/science.md §1): every free unit owns a Poisson
/// clock of rate `rate`. At zero temperature only unstable units can change, so
/// the next tick is drawn among them directly, at rate × #unstable (the n-fold
/// way of Bortz, Kalos & Lebowitz 1975): exact in distribution, with no idle
/// ticks; the ticking unit is drawn uniformly among the unstable ones by
/// rejection (expected N/#unstable draws, no more than the fan-out of the flip
/// that follows). Poisson clocks are memoryless, so the tick may be redrawn
/// whenever the rates change.
enum PoissonClock {
    /// The next tick after `now`, or nil when no unit can tick.
    static func nextTick(after now: SimTime, candidates: Int, rate: Double, rng: inout RandomStream) -> SimTime? {
        candidates == 0 ? nil : now + SimTime(rng.nextExponential(rate: rate * Double(candidates)))
    }

    /// The unit that ticks: uniform among unstable free units at zero
    /// temperature, else among free units.
    static func pick(zeroTemperature: Bool, watched: [Double], field: [Double], rng: inout RandomStream) -> Int {
        let n = watched.count
        if zeroTemperature {
            var c = rng.nextInt(below: n)
            while !(watched[c] * field[c] < 0) { c = rng.nextInt(below: n) }
            return c
        }
        var c = rng.nextInt(below: n)
        while watched[c] == 0 { c = rng.nextInt(below: n) }
        return c
    }
}
