import ReverieKernel

/// Random-sequential update order (docs/science.md §1): sweeps through the free
/// units in a fresh random permutation, one sweep per 1/rate time units, tick k
/// of a sweep at `start + (k + 1)/(n · rate)`.
///
/// At zero temperature a tick of a stable unit changes nothing and draws no
/// randomness, so the clock jumps to the next unstable unit of its permutation:
/// the same trajectory and tick times as ticking every unit (except after an idle
/// stretch longer than a sweep, which starts a new sweep; see `nextTick`). Before a new sweep,
/// and when the rest of a sweep holds no unstable unit, one O(N) count decides
/// whether any unit can still change: if none can, this is a fixed point (and no
/// permutation is drawn).
struct SweepClock {
    /// The free units in this sweep's order.
    private(set) var order: [Int] = []
    private(set) var position = 0
    private var started = false
    private var start = SimTime.zero
    /// Time of the last tick of the current sweep that fired (−∞ before the first).
    private var lastTick = SimTime(-.infinity)

    /// Starts over at `time` with the free units (watched ≠ 0) in id order.
    mutating func begin(at time: SimTime, watched: [Double], freeCount: Int) {
        if order.count != freeCount { order = [Int](repeating: 0, count: freeCount) }
        var c = 0
        for i in watched.indices where watched[i] != 0 { order[c] = i; c += 1 }
        precondition(c == freeCount, "free unit count out of date")
        position = 0
        started = false
        start = time
    }

    /// The time of the tick at `position` in the current sweep.
    @inline(__always) func tickTime(_ position: Int, rate: Double) -> SimTime {
        Self.tickTime(position, of: order.count, sweepStart: start, rate: rate)
    }

    /// Tick `position` of a sweep over `count` units that started at `sweepStart`.
    @inline(__always) static func tickTime(_ position: Int, of count: Int, sweepStart: SimTime, rate: Double) -> SimTime {
        sweepStart + SimTime(Double(position + 1) / (Double(count) * rate))
    }

    /// The start of the sweep after one that started at `start`.
    @inline(__always) static func nextSweepStart(after start: SimTime, rate: Double) -> SimTime { start + SimTime(1 / rate) }

    private mutating func newSweep(now: SimTime, rate: Double, rng: inout RandomStream) {
        start = started ? Self.nextSweepStart(after: start, rate: rate) : now
        started = true
        lastTick = SimTime(-.infinity)
        rng.shuffle(&order)
        position = 0
    }

    /// The next tick after `now`, or nil at a fixed point (zero temperature) or
    /// with no free unit. `updates` counts the stable units skipped.
    @inline(__always)
    mutating func nextTick(after now: SimTime, zeroTemperature: Bool, rate: Double, watched: [Double], field: [Double],
                           rng: inout RandomStream, updates: inout Int) -> SimTime? {
        nextTick(after: now, zeroTemperature: zeroTemperature, rate: rate, rng: &rng, updates: &updates,
                 firstUnstable: { DenseKernels.firstUnstable($0, from: $1, watched: watched, field: field) },
                 noneUnstable: { DenseKernels.countUnstable(watched, field) == 0 })
    }

    /// The same for units whose stability is asked for: `firstUnstable(order, p)`
    /// is the first position ≥ p of `order` holding an unstable unit, `noneUnstable()`
    /// whether every free unit is stable (a dense associative memory evaluates a
    /// unit's bracket only when asked).
    @inline(__always)
    mutating func nextTick(after now: SimTime, zeroTemperature: Bool, rate: Double, rng: inout RandomStream, updates: inout Int,
                           firstUnstable: ([Int], Int) -> Int?, noneUnstable: () -> Bool) -> SimTime? {
        // After an idle stretch longer than a sweep (the network sat at a fixed point
        // until input came, e.g. a trace replayed much later), the next sweep starts
        // now instead of replaying every empty sweep: run time follows the work, not
        // the idle time. Within a sweep's length the ticks continue exactly.
        if started && !order.isEmpty && (now - tickTime(order.count - 1, rate: rate)).value > 1 / rate { started = false }
        if zeroTemperature && (!started || position >= order.count) && noneUnstable() { return nil }
        while true {
            if !started || position >= order.count { newSweep(now: now, rate: rate, rng: &rng) }
            if order.isEmpty { return nil }
            guard zeroTemperature else { break }
            let n = order.count, first = position
            // Skip positions whose tick lies before `now` (a tick at exactly `now` runs after the delivery);
            // there are none when the clock still stands at this sweep's last tick.
            var passed = first
            if now != lastTick { while passed < n && tickTime(passed, rate: rate) < now { passed += 1 } }
            let found = firstUnstable(order, passed)
            if found == nil && noneUnstable() { return nil }
            position = found ?? n
            updates += position - first
            if found != nil { break }
        }
        return tickTime(position, rate: rate)
    }

    /// The unit whose tick fires at `time`.
    mutating func fire(at time: SimTime) -> Int {
        let i = order[position]
        position += 1
        lastTick = time
        return i
    }
}
