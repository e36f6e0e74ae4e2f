/// A binary min-heap of events ordered by `Event.precedes`: (time, phase,
/// insertion sequence). Push and pop are O(log n); the order of events with equal
/// time and phase is their insertion order, which makes every run deterministic.
public struct EventQueue<Payload: Sendable>: Sendable {
    @usableFromInline var heap: [Event<Payload>] = []
    @usableFromInline var nextSequence: UInt64 = 0

    public init() {}

    @inlinable public var count: Int { heap.count }
    @inlinable public var isEmpty: Bool { heap.isEmpty }
    /// The earliest event, without removing it.
    @inlinable public var first: Event<Payload>? { heap.first }

    /// Schedules `payload` and returns the sequence number it was given.
    @inlinable @discardableResult
    public mutating func push(_ payload: Payload, at time: SimTime, phase: EventPhase) -> UInt64 {
        precondition(!time.value.isNaN, "event time is NaN")
        let seq = nextSequence
        nextSequence &+= 1
        heap.append(Event(time: time, phase: phase, sequence: seq, payload: payload))
        siftUp(heap.count - 1)
        return seq
    }

    @inlinable
    public mutating func pop() -> Event<Payload>? {
        guard !heap.isEmpty else { return nil }
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return top
    }

    @inlinable mutating func siftUp(_ index: Int) {
        var child = index
        let item = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard item.precedes(heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = item
    }

    @inlinable mutating func siftDown(_ index: Int) {
        var parent = index
        let item = heap[parent]
        let n = heap.count
        while true {
            var child = 2 * parent + 1
            if child >= n { break }
            if child + 1 < n && heap[child + 1].precedes(heap[child]) { child += 1 }
            guard heap[child].precedes(item) else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = item
    }
}
