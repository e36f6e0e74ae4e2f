/// Spike arrivals in the kernel's general `EventQueue` (a binary heap ordered by
/// time then insertion order). The reference against which `DelaySlotRing` is
/// measured; both hand out identical slots.
public struct HeapSpikeQueue: SpikeArrivalQueue, Sendable {
    public let slotWidth: Double
    @usableFromInline var heap = EventQueue<SpikeArrival>()
    var next = 0

    public init(slotWidth: Double) {
        precondition(slotWidth > 0, "slot width must be positive")
        self.slotWidth = slotWidth
    }

    public var count: Int { heap.count }

    @inlinable
    public mutating func schedule(_ arrival: SpikeArrival) {
        heap.push(arrival, at: SimTime(arrival.time), phase: .delivery)
    }

    public mutating func drain(slot k: Int, into out: inout [SpikeArrival]) {
        precondition(k >= next, "slots must be drained in order")
        next = k + 1
        out.removeAll(keepingCapacity: true)
        // Same slot rule as the ring: ⌊time / width⌋ ≤ k (earlier ones were late by rounding).
        while let e = heap.first, Int((e.time.value / slotWidth).rounded(.down)) <= k {
            out.append(heap.pop()!.payload)
        }
    }
}
