/// A model family's network as the engine drives it. Every family (binary
/// units, predictive coding, spiking, …) is a plugin of the same run loop
/// (`Simulation`), as every node type is of NEST's one simulation manager:
/// the engine advances the families of a model window by window, carries
/// events between them, and sums their counters; sinks, stop conditions,
/// event budgets and progress work the same for all.
///
/// The modelling contract inside a family: a unit sees only its own state and
/// the messages delivered to it.
public protocol NetworkFamily: AnyObject {
    /// The family's populations with their global unit ids, in id order.
    var layout: [RunDescription.Population] { get }
    /// The family's clock.
    var now: SimTime { get }
    /// Counters since the network was built.
    var counters: RunCounters { get }

    /// The protocol resumes the dynamics at `time` (≥ `now` as the run clock
    /// only moves forward). Families whose state is held by the protocol between
    /// phases (binary, predictive coding) move their clock there; families that
    /// evolve by themselves (spiking) keep theirs and simulate the gap when next
    /// advanced.
    func resume(at time: SimTime)

    /// Advances to `end`, or until `control` stops it or nothing can happen
    /// without input from another family (`.quiescent`).
    func advance(until end: SimTime, control: inout AdvanceControl) -> StopReason

    /// Reports every synaptic weight to the sinks.
    func emitWeights(at time: SimTime)

    /// Starts collecting the events (spikes, state changes) of population
    /// `population` (index into `layout`) for other families.
    func exportEvents(of population: Int)
    /// Hands over the exported events collected since the last call, in time order.
    func takeExportedEvents() -> [FamilyEvent]
    /// Input from another family along link `link` (an index the receiver
    /// gave when the link was made), arriving at `event.time` ≥ `now`.
    func receive(_ events: [FamilyEvent], link: Int)
}

extension NetworkFamily {
    public func exportEvents(of population: Int) {
        preconditionFailure("\(Self.self) does not export events to other families")
    }
    public func takeExportedEvents() -> [FamilyEvent] { [] }
    public func receive(_ events: [FamilyEvent], link: Int) {
        preconditionFailure("\(Self.self) receives no input from other families")
    }
}

/// An event of one family's unit seen by another family: a spike (`value` 1)
/// or a state change (`value` the new state) of unit `unit` (its index in
/// population `population` of the sending family) at `time`.
public struct FamilyEvent: Sendable, Equatable {
    public var time: SimTime
    public var population: Int
    public var unit: Int
    public var value: Double

    @inlinable public init(time: SimTime, population: Int, unit: Int, value: Double = 1) {
        self.time = time; self.population = population; self.unit = unit; self.value = value
    }
}
