/// Spike arrivals in the kernel's general `EventQueue` (a binary heap ordered by
/// time then insertion order; a drained slot is then put in arrival order). The
/// reference against which `DelaySlotRing` is measured; both hand out identical slots.
public struct HeapSpikeQueue: SpikeArrivalQueue, Sendable {
    public let slotWidth: Double
    @usableFromInline var heap = EventQueue<SpikeArrival>()
    var next = 0

    public init(slotWidth: Double) {
        self.slotWidth = slotWidth
    }

    public var count: Int { heap.count }

    /// Arrivals refused because their time was NaN or infinite (as `DelaySlotRing`).
    public var rejected: Int { _rejected }
    @usableFromInline var _rejected = 0

    @inlinable
    public mutating func schedule(_ arrival: SpikeArrival) {
        guard arrival.time.isFinite else { _rejected += 1; return }
        heap.push(arrival, at: SimTime(arrival.time), phase: .delivery)
    }

    public mutating func drain(slot k: Int, into out: inout [SpikeArrival]) {
        out.removeAll(keepingCapacity: true)
        guard k >= next else { return }
        next = k + 1
        // Same slot rule as the ring: ⌊time / width⌋ ≤ k (earlier ones were late by rounding),
        // compared as doubles so that no quotient is too large to convert.
        while let e = heap.first, !((e.time.value / slotWidth).rounded(.down) > Double(k)) {
            out.append(heap.pop()!.payload)
        }
        SpikeArrival.sort(&out)
    }
}
