/// Spike arrivals binned by min-delay slot in a ring buffer, as NEST's ring
/// buffers bin input by delivery step, but keeping each arrival's exact time.
///
/// The ring has `⌈maxDelay / slotWidth⌉ + 2` slots (at most `maxSlots`), enough
/// for every arrival scheduled from the slot being processed. Scheduling appends
/// to its slot; draining sorts the slot into arrival order with an insertion sort
/// (arrivals come in nearly sorted, since spikes are scheduled in time order slot
/// by slot).
///
/// Nothing a model file or trace supplies makes it trap: an arrival beyond the
/// ring's horizon (a delay longer than `maxDelay`, or a ring capped at `maxSlots`)
/// waits in an overflow heap until its slot comes into range; an arrival whose
/// time is NaN or ±∞ is refused and counted in `rejected`; an arrival before the
/// open slot (a rounding error, or a time in the past) goes to the earliest open slot.
public struct DelaySlotRing: SpikeArrivalQueue, Sendable {
    /// The most slots a ring allocates (8 MB of empty slot arrays).
    public static let maxSlots = 1 << 20
    public let slotWidth: Double
    @usableFromInline var slots: [[SpikeArrival]]
    /// Absolute index of the next slot to drain; the ring holds slots
    /// `next ..< next + slots.count`.
    @usableFromInline var next = 0
    @usableFromInline var _count = 0
    /// Arrivals beyond the ring's horizon, by time (then insertion order).
    @usableFromInline var later = EventQueue<SpikeArrival>()
    /// Arrivals refused because their time was NaN or infinite.
    public var rejected: Int { _rejected }
    @usableFromInline var _rejected = 0
    public var count: Int { _count + later.count }

    /// A ring for slots of `slotWidth` and delays up to `maxDelay`. Widths that are
    /// not positive and finite, and delays shorter than the width, give the
    /// smallest ring (2 slots); arrivals beyond it use the overflow heap.
    public init(slotWidth: Double, maxDelay: Double) {
        self.slotWidth = slotWidth
        let span = (maxDelay / slotWidth).rounded(.up)
        let ahead = span >= 1 && span.isFinite ? Int(Swift.min(span, Double(Self.maxSlots - 2))) : 0
        slots = Array(repeating: [], count: ahead + 2)
    }

    /// The absolute slot of `time`, clamped to the earliest open slot; nil beyond
    /// the ring (compared as doubles, so no quotient is too large to convert).
    @inlinable @usableFromInline
    func slot(of time: Double) -> Int? { Self.slot(of: time, width: slotWidth, next: next, count: slots.count) }

    @inlinable @usableFromInline
    static func slot(of time: Double, width: Double, next: Int, count: Int) -> Int? {
        let x = (time / width).rounded(.down)
        guard x >= Double(next) else { return next }
        return x < Double(next + count) ? Int(x) : nil
    }

    @inlinable
    public mutating func schedule(_ arrival: SpikeArrival) {
        guard arrival.time.isFinite else { _rejected += 1; return }
        if let k = slot(of: arrival.time) {
            slots[k % slots.count].append(arrival)
            _count += 1
        } else {
            later.push(arrival, at: SimTime(arrival.time), phase: .delivery)
        }
    }

    /// `schedule` of each arrival, with the ring's bounds read once (no division by
    /// the ring's size or check of its uniqueness per arrival).
    @inlinable
    public mutating func schedule(contentsOf arrivals: [SpikeArrival]) {
        let (width, first, n) = (slotWidth, next, slots.count)
        let base = first % n  // the ring position of slot `first`
        slots.withUnsafeMutableBufferPointer { ring in
            for a in arrivals {
                guard a.time.isFinite else { _rejected += 1; continue }
                if let k = Self.slot(of: a.time, width: width, next: first, count: n) {
                    let j = base + (k - first)
                    ring[j < n ? j : j - n].append(a)
                    _count += 1
                } else {
                    later.push(a, at: SimTime(a.time), phase: .delivery)
                }
            }
        }
    }

    /// Replaces `out` with the arrivals of slot `k` in arrival order, with those still
    /// held by skipped slots (late ones); a slot already drained gives nothing.
    public mutating func drain(slot k: Int, into out: inout [SpikeArrival]) {
        out.removeAll(keepingCapacity: true)
        guard k >= next else { return }
        let n = slots.count
        for s in next..<Swift.min(k, next + n) where !slots[s % n].isEmpty {
            out += slots[s % n]
            slots[s % n].removeAll(keepingCapacity: true)
        }
        if k < next + n {
            out += slots[k % n]
            slots[k % n].removeAll(keepingCapacity: true)
        }
        _count -= out.count
        // Overflow arrivals of this slot or earlier, then refill the ring up to its new horizon.
        while let e = later.first, !((e.time.value / slotWidth).rounded(.down) > Double(k)) {
            out.append(later.pop()!.payload)
        }
        next = k + 1
        while let e = later.first, let s = slot(of: e.time.value) {
            slots[s % n].append(later.pop()!.payload)
            _count += 1
        }
        SpikeArrival.sort(&out)
    }
}
