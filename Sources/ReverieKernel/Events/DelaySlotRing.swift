/// Spike arrivals binned by min-delay slot in a ring buffer, as NEST's ring
/// buffers bin input by delivery step, but keeping each arrival's exact time.
///
/// The ring has `⌈maxDelay / slotWidth⌉ + 2` slots, enough for every arrival
/// scheduled from the slot being processed. Scheduling appends to its slot;
/// draining sorts the slot by time with a stable insertion sort (arrivals come
/// in nearly sorted, since spikes are scheduled in time order slot by slot).
public struct DelaySlotRing: SpikeArrivalQueue, Sendable {
    public let slotWidth: Double
    @usableFromInline var slots: [[SpikeArrival]]
    /// Absolute index of the next slot to drain; the ring holds slots
    /// `next ..< next + slots.count`.
    @usableFromInline var next = 0
    @usableFromInline var _count = 0
    public var count: Int { _count }

    public init(slotWidth: Double, maxDelay: Double) {
        precondition(slotWidth > 0 && maxDelay >= slotWidth, "need 0 < slotWidth ≤ maxDelay")
        self.slotWidth = slotWidth
        slots = Array(repeating: [], count: Int((maxDelay / slotWidth).rounded(.up)) + 2)
    }

    @inlinable
    public mutating func schedule(_ arrival: SpikeArrival) {
        // An arrival a rounding error before its slot's start stays in the earliest open slot.
        let k = Swift.max(Int((arrival.time / slotWidth).rounded(.down)), next)
        precondition(k < next + slots.count, "spike arrival beyond the ring's horizon (delay > maxDelay)")
        slots[k % slots.count].append(arrival)
        _count += 1
    }

    public mutating func drain(slot k: Int, into out: inout [SpikeArrival]) {
        precondition(k >= next, "slots must be drained in order")
        precondition(k == next || (next..<min(k, next + slots.count)).allSatisfy { slots[$0 % slots.count].isEmpty },
                     "a skipped slot still holds arrivals")
        out.removeAll(keepingCapacity: true)
        swap(&out, &slots[k % slots.count])
        next = k + 1
        _count -= out.count
        Self.insertionSort(&out)
    }

    @usableFromInline
    static func insertionSort(_ a: inout [SpikeArrival]) {
        guard a.count > 1 else { return }
        a.withUnsafeMutableBufferPointer { p in
            for i in 1..<p.count {
                let x = p[i]
                var j = i
                while j > 0 && p[j - 1].time > x.time { p[j] = p[j - 1]; j -= 1 }
                p[j] = x
            }
        }
    }
}
