/// Why a run stopped.
public enum StopReason: String, Sendable, Codable {
    /// The time limit was reached.
    case timeLimit = "time-limit"
    /// Nothing is pending and no unit can change state: an exact fixed point.
    case quiescent
    /// The caller's stop condition returned true.
    case condition
    /// The event budget was exhausted.
    case eventLimit = "event-limit"
}

/// A system driven by a `Scheduler`: it handles queued events (messages in
/// flight, stimuli) and has spontaneous activity of its own (unit clocks).
///
/// The spontaneous event is a virtual event in phase `.update`: the scheduler
/// asks for its time before every step, so a system whose clock rates change
/// when a message arrives (e.g. exact skipping of units that cannot flip) may
/// redraw it; Poisson clocks are memoryless, so redrawing is exact.
public protocol DiscreteEventSystem: AnyObject {
    associatedtype Payload: Sendable
    /// Time of the next spontaneous update, or `nil` when no unit can change
    /// state by itself.
    func nextSpontaneousTime(after now: SimTime) -> SimTime?
    /// Performs the spontaneous update drawn by `nextSpontaneousTime`.
    func fireSpontaneous(at time: SimTime, scheduler: inout Scheduler<Payload>)
    /// Handles one queued event.
    func handle(_ event: Event<Payload>, scheduler: inout Scheduler<Payload>)
}

/// The one deterministic loop of a run: a clock, the event queue, and counters.
/// Events run in (time, phase, sequence) order; a spontaneous update at the same
/// time as a queued event runs after queued events of phases before `.update`.
public struct Scheduler<Payload: Sendable>: Sendable {
    @usableFromInline var queue = EventQueue<Payload>()
    /// Events waiting to be delivered.
    public var pending: Int { queue.count }
    @usableFromInline var clock: SimTime
    @usableFromInline var processed: Int = 0
    /// The current simulated time.
    @inlinable public var now: SimTime { clock }
    /// Queued events plus spontaneous updates processed so far.
    @inlinable public var eventsProcessed: Int { processed }

    public init(start: SimTime = .zero) { clock = start }

    /// Moves the clock forward to `time` without processing anything (the
    /// protocol resumes the dynamics there); events queued for earlier times are
    /// delivered at `time`, in their order, by the next `run`.
    public mutating func resume(at time: SimTime) {
        if time > clock { clock = time }
    }

    /// Accounts for `events` spontaneous updates that a fast path ran outside
    /// `run` (with nothing queued), the last at `time`: the clock and the counter
    /// end as `run` would have left them.
    public mutating func account(events: Int, lastAt time: SimTime) {
        precondition(queue.count == 0 && events >= 0, "a fast path runs only with nothing queued")
        processed += events
        if events > 0 && time > clock { clock = time }
    }

    /// Schedules `payload` after `delay` (which may be zero) from now.
    @inlinable
    public mutating func schedule(_ payload: Payload, after delay: SimTime, phase: EventPhase = .delivery) {
        precondition(delay.value >= 0, "negative delay")
        queue.push(payload, at: now + delay, phase: phase)
    }

    /// Runs `system` until `end`, quiescence, `maxEvents` more events, or until
    /// `stop` (checked every `checkEvery` events) returns true.
    @inlinable
    public mutating func run<S: DiscreteEventSystem>(
        _ system: S, until end: SimTime = .infinity, maxEvents: Int = .max,
        checkEvery: Int = 1024, stop: ((S) -> Bool)? = nil
    ) -> StopReason where S.Payload == Payload {
        var budget = maxEvents
        var sinceCheck = 0
        while true {
            let spontaneous = system.nextSpontaneousTime(after: now)
            let queued = queue.first
            let takeQueued: Bool
            switch (queued, spontaneous) {
            case (nil, nil): return .quiescent
            case (.some, nil): takeQueued = true
            case (nil, .some): takeQueued = false
            case let (.some(q), .some(t)):
                takeQueued = q.time < t || (q.time == t && q.phase < .update)
            }
            let time = Swift.max(takeQueued ? queued!.time : spontaneous!, clock)
            if time > end {
                if end.value.isFinite { clock = end }
                return .timeLimit
            }
            if budget == 0 { return .eventLimit }
            budget -= 1
            clock = time
            processed += 1
            if takeQueued {
                let event = queue.pop()!
                system.handle(event, scheduler: &self)
            } else {
                system.fireSpontaneous(at: time, scheduler: &self)
            }
            if let stop {
                sinceCheck += 1
                if sinceCheck >= checkEvery {
                    sinceCheck = 0
                    if stop(system) { return .condition }
                }
            }
        }
    }
}
