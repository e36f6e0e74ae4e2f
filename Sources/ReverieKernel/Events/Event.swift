/// Where an event falls among events at the same time. Lower phases run first:
/// at one instant, input from stimuli and synaptic deliveries are applied before
/// units update.
public enum EventPhase: UInt8, Sendable, Comparable {
    case stimulus = 0
    case delivery = 1
    case update = 2

    public static func < (a: EventPhase, b: EventPhase) -> Bool { a.rawValue < b.rawValue }
}

/// A scheduled event. Events are totally ordered by (time, phase, sequence
/// number); the sequence number is assigned at insertion, so ties in time and
/// phase run in insertion order, as in swift-nio's embedded event loop.
public struct Event<Payload>: Sendable where Payload: Sendable {
    public var time: SimTime
    public var phase: EventPhase
    public var sequence: UInt64
    public var payload: Payload

    @inlinable
    public init(time: SimTime, phase: EventPhase, sequence: UInt64, payload: Payload) {
        self.time = time; self.phase = phase; self.sequence = sequence; self.payload = payload
    }

    @inlinable
    public func precedes(_ other: Event) -> Bool {
        if time.value != other.time.value { return time.value < other.time.value }
        if phase != other.phase { return phase < other.phase }
        return sequence < other.sequence
    }
}
