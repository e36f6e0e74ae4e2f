/// A spike on its way to the synapses of one projection: it reaches them at
/// `time` (emission time + the delay). `source` is the sender's index inside its
/// population (or, with a delay per synapse, the delay group of its row), `sender`
/// its index in the network.
///
/// Arrivals are ordered by (time, emitted, sender, projection, source) (`precedes`),
/// a total order (no unit spikes twice at one time) that does not depend on where or
/// when they were queued: arrivals at one time are applied to a unit in the order of
/// their spikes, so queues filled by different shards merge into the order of one queue.
public struct SpikeArrival: Sendable, Equatable {
    public var time: Double
    /// The spike's time.
    public var emitted: Double
    public var sender: UInt32
    public var source: UInt32
    public var projection: UInt32

    @inlinable public init(time: Double, emitted: Double, sender: UInt32, source: UInt32, projection: UInt32) {
        self.time = time; self.emitted = emitted; self.sender = sender; self.source = source; self.projection = projection
    }

    /// Whether `a` comes before `b` in the arrival order.
    @inlinable @inline(__always)
    public static func precedes(_ a: SpikeArrival, _ b: SpikeArrival) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if a.emitted != b.emitted { return a.emitted < b.emitted }
        if a.sender != b.sender { return a.sender < b.sender }
        return a.projection != b.projection ? a.projection < b.projection : a.source < b.source
    }

    /// Replaces `out` with the arrivals of `a` and `b` (each in arrival order) in arrival order.
    @inlinable
    public static func merge(_ a: [SpikeArrival], _ b: [SpikeArrival], into out: inout [SpikeArrival]) {
        out = a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                [SpikeArrival](unsafeUninitializedCapacity: a.count + b.count) { o, count in
                    var i = 0, j = 0, k = 0
                    while i < a.count && j < b.count {
                        if precedes(b[j], a[i]) { (o.baseAddress! + k).initialize(to: b[j]); j += 1 }
                        else { (o.baseAddress! + k).initialize(to: a[i]); i += 1 }
                        k += 1
                    }
                    while i < a.count { (o.baseAddress! + k).initialize(to: a[i]); i += 1; k += 1 }
                    while j < b.count { (o.baseAddress! + k).initialize(to: b[j]); j += 1; k += 1 }
                    count = k
                }
            }
        }
    }

    /// Sorts nearly sorted arrivals (a slot's, queued spike by spike) into the arrival order.
    @inlinable
    public static func sort(_ a: inout [SpikeArrival]) {
        guard a.count > 1 else { return }
        a.withUnsafeMutableBufferPointer { p in
            for i in 1..<p.count where precedes(p[i], p[i - 1]) {
                let x = p[i]
                var j = i
                while j > 0 && precedes(x, p[j - 1]) { p[j] = p[j - 1]; j -= 1 }
                p[j] = x
            }
        }
    }
}

/// Pending spike arrivals, handed out one min-delay slot at a time: slot `k`
/// holds the arrivals with `⌊time / slotWidth⌋ = k`, in arrival order (`SpikeArrival.precedes`).
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
    /// Replaces `out` with the arrivals of slot `k` in arrival order.
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
