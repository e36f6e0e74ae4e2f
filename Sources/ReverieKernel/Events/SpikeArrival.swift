/// A spike on its way to the synapses of one projection: it reaches them at
/// `time` (emission time + the projection's delay). `source` is the sender's
/// index inside its population.
public struct SpikeArrival: Sendable, Equatable {
    public var time: Double
    public var source: UInt32
    public var projection: UInt32

    @inlinable public init(time: Double, source: UInt32, projection: UInt32) {
        self.time = time; self.source = source; self.projection = projection
    }
}

/// Pending spike arrivals, handed out one min-delay slot at a time: slot `k`
/// holds the arrivals with `⌊time / slotWidth⌋ = k`, in (time, insertion order).
///
/// Because every delay is at least `slotWidth`, a spike emitted while slot `k`
/// is processed arrives in slot `k + 1` or later, so units can be advanced
/// independently through a slot (the min-delay window of NEST, Morrison et al.
/// 2005) while spike times stay exact.
public protocol SpikeArrivalQueue {
    var slotWidth: Double { get }
    /// Arrivals not yet drained.
    var count: Int { get }
    /// Queues an arrival. Its slot must not have been drained yet.
    mutating func schedule(_ arrival: SpikeArrival)
    /// Replaces `out` with the arrivals of slot `k` in (time, insertion) order.
    /// Slots must be drained in increasing order.
    mutating func drain(slot k: Int, into out: inout [SpikeArrival])
    /// Queues `arrivals` in their order (one call through the protocol for a slot's arrivals).
    mutating func schedule(contentsOf arrivals: [SpikeArrival])
}

extension SpikeArrivalQueue {
    /// `schedule` of each, in a loop specialised for the queue's type.
    @inlinable
    public mutating func schedule(contentsOf arrivals: [SpikeArrival]) {
        for a in arrivals { schedule(a) }
    }
}

/// The two queue implementations, selectable per model (`spiking.queue`) so that
/// their cost can be measured against each other (`reverie bench lif`).
public enum SpikeQueueKind: String, Sendable, CaseIterable {
    /// `DelaySlotRing`: O(1) insertion, one small sort per slot.
    case ring
    /// `HeapSpikeQueue`: the kernel's general event heap, O(log n) per arrival.
    case heap

    public func make(slotWidth: Double, maxDelay: Double) -> any SpikeArrivalQueue {
        switch self {
        case .ring: DelaySlotRing(slotWidth: slotWidth, maxDelay: maxDelay)
        case .heap: HeapSpikeQueue(slotWidth: slotWidth)
        }
    }
}
