import ReverieKernel

/// A network of binary (±1) units updating asynchronously (docs/science.md §1).
///
/// Units are actors: on its clock tick a unit reads only its own state `s_i` and
/// local field `h_i` and decides (`BinaryTemperature.decide`). When it flips it
/// sends `Δs_j` along each outgoing projection; after the projection's delay
/// (zero allowed) every receiver applies `h_i += J_ij Δs_j`. A flip costs its
/// fan-out; an update that does not flip costs O(1).
///
/// The network keeps an exact count of unstable free units (`s_i h_i < 0`;
/// `h_i = 0` keeps the state, so it is stable). With no message in flight and no
/// unstable unit the network is at a fixed point and its scheduler stops
/// (`StopReason.quiescent`) without simulating idle ticks. The clocks are
/// `PoissonClock` and `SweepClock`; delivery is in `BinaryNetwork+Delivery`,
/// plasticity in `BinaryNetwork+Plasticity`.
///
/// State is stored as structure of arrays indexed by unit; populations occupy
/// consecutive ranges (global trace ids start at `firstID`).
/// The state touched per event is marked `@exclusivity(unchecked)`: it is
/// only ever accessed from the network's own methods, one event at a time, and
/// the dynamic checks Swift would otherwise make on every access of a class
/// property cost a measurable share of an event (see the README's design notes).
public final class BinaryNetwork {
    public struct Population: Sendable {
        public var name: String
        /// The unit model ("binary", or "trace" for a population driven by a recording).
        public var model: String
        public var ids: Range<Int>
        public var size: Int { ids.count }
    }

    public struct Projection: Sendable {
        public var name: String
        /// Index of the presynaptic population, or nil when the synapses come from
        /// another family's population (a link: `BinaryNetwork+Links`), whose
        /// first global id is then `foreignFirstID`.
        public var pre: Int?
        public var foreignFirstID: UInt32? = nil
        public var post: Int
        public var synapses: Connectivity
        public var delay: SimTime
        /// A recurrent projection without self-synapses (J_ii = 0).
        public var skipSelf: Bool
    }

    /// A state change in flight along one projection, or a stimulus
    /// (`projection == Message.stimulusProjection`: set unit `pre` to `delta`).
    public struct Message: Sendable {
        public var projection: UInt16
        public var pre: UInt32
        public var delta: Double

        static let stimulusProjection = UInt16.max

        /// Sets unit `unit` to `state` when delivered (schedule it in phase `.stimulus`).
        public static func stimulus(unit: Int, state: Double) -> Message {
            Message(projection: stimulusProjection, pre: UInt32(unit), delta: state)
        }
    }

    public let populations: [Population]
    @exclusivity(unchecked) public internal(set) var projections: [Projection]
    public var dynamics: BinaryDynamics { didSet { recountUnstable() } }
    public let sinks: SinkHub
    /// Global trace id of unit 0.
    public let firstID: UInt32

    /// s_i ∈ {−1, +1}.
    @exclusivity(unchecked) public internal(set) var state: [Double]
    /// h_i = Σ_j J_ij s_j as assembled from the messages each unit received.
    @exclusivity(unchecked) public internal(set) var field: [Double]
    /// s_i for free units, 0 for clamped ones: unit i is unstable iff watched_i h_i < 0,
    /// one multiply and compare per target in the fan-out loop.
    @exclusivity(unchecked) var watched: [Double]
    /// Number of free (unclamped) units.
    @exclusivity(unchecked) var freeCount: Int
    /// Number of free units with s_i h_i < 0.
    public var unstableCount: Int { tracksUnstable ? trackedUnstable : countUnstable() }
    /// The running count, kept exact by every delivery when `tracksUnstable`.
    @exclusivity(unchecked) var trackedUnstable = 0
    /// Poisson clocks at zero temperature draw the next tick among unstable units,
    /// so every delivery keeps a running count; random-sequential sweeps find
    /// unstable units by scanning.
    var tracksUnstable: Bool { dynamics.order == .poisson && dynamics.temperature == .zero }
    var outgoing: [[Int]]
    var populationOf: [Int]
    @exclusivity(unchecked) var rng: RandomStream

    /// The network's own event loop: its clock is the network's time.
    @exclusivity(unchecked) var scheduler: Scheduler<Message>
    @exclusivity(unchecked) var pendingTick: SimTime? = nil
    @exclusivity(unchecked) var sweep = SweepClock()
    /// Populations driven by recorded traces.
    var stimuli: [TraceStimulus] = []
    /// Projections fed by each link from another family (`BinaryNetwork+Links`).
    var linkProjections: [[(projection: Int, pulse: SimTime)]] = []
    /// The part of each field that input from other families contributes (empty without links).
    @exclusivity(unchecked) var externalField: [Double] = []
    /// Populations whose state changes other families receive, and those changes.
    var exported: [Bool]
    @exclusivity(unchecked) var exportedEvents: [FamilyEvent] = []

    /// While set, state changes and assignments are not reported (measurements off the run's clock).
    @exclusivity(unchecked) var silenced = false
    /// Report states set from outside the dynamics (`RecordKind.assign`) when a
    /// relaxation begins, so sinks can reconstruct every state (model runs do).
    public var reportsAssignments = false
    /// Each unit's state as last reported to the sinks (0: never).
    @exclusivity(unchecked) var reported: [Double]

    /// Counters since construction.
    @exclusivity(unchecked) public internal(set) var updates = 0
    @exclusivity(unchecked) public internal(set) var flips = 0
    @exclusivity(unchecked) public internal(set) var synapticEvents = 0

    /// - Parameter populations: (name, size) in id order, or (name, model, size).
    public convenience init(populations: [(name: String, size: Int)], dynamics: BinaryDynamics,
                            rng: RandomStream, sinks: SinkHub = SinkHub(), firstID: UInt32 = 0) {
        self.init(populations: populations.map { ($0.name, "binary", $0.size) }, dynamics: dynamics, rng: rng, sinks: sinks, firstID: firstID)
    }

    public init(populations: [(name: String, model: String, size: Int)], dynamics: BinaryDynamics,
                rng: RandomStream, sinks: SinkHub = SinkHub(), firstID: UInt32 = 0) {
        var pops: [Population] = []
        var next = 0
        var owner: [Int] = []
        for (k, p) in populations.enumerated() {
            pops.append(Population(name: p.name, model: p.model, ids: next..<(next + p.size)))
            owner += Array(repeating: k, count: p.size)
            next += p.size
        }
        self.populations = pops
        self.projections = []
        self.dynamics = dynamics
        self.sinks = sinks
        self.firstID = firstID
        self.rng = rng
        scheduler = Scheduler()
        state = Array(repeating: 1, count: next)
        field = Array(repeating: 0, count: next)
        watched = Array(repeating: 1, count: next)
        freeCount = next
        reported = Array(repeating: 0, count: next)
        outgoing = Array(repeating: [], count: pops.count)
        exported = Array(repeating: false, count: pops.count)
        populationOf = owner
    }

    public var unitCount: Int { state.count }
    /// The network's clock.
    public var now: SimTime { scheduler.now }

    /// Adds a projection between two of the network's populations; returns its index.
    @discardableResult
    public func connect(_ name: String, from pre: Int, to post: Int, synapses: Connectivity,
                        delay: SimTime = .zero, skipSelf: Bool) -> Int {
        precondition(synapses.preCount == populations[pre].size && synapses.postCount == populations[post].size,
                     "connectivity shape does not match populations")
        projections.append(Projection(name: name, pre: pre, post: post, synapses: synapses, delay: delay, skipSelf: skipSelf))
        outgoing[pre].append(projections.count - 1)
        recomputeFields()
        return projections.count - 1
    }

    // MARK: State

    /// Sets the states of a population and clamps or frees it. Each unit whose
    /// state changed sends Δs once, so this costs (#changed × fan-out), at most
    /// the cost of reassembling every field.
    public func setState(_ values: [Double], population p: Int, clamped: Bool = false) {
        let ids = populations[p].ids
        precondition(values.count == ids.count, "state size mismatch")
        var changed: [(row: Int, coefficient: Double)] = []
        for (k, v) in values.enumerated() {
            precondition(v == 1 || v == -1, "binary states are ±1")
            let i = ids.lowerBound + k
            if state[i] != v { changed.append((k, v - state[i])) }
            state[i] = v
            watched[i] = clamped ? 0 : v
        }
        freeCount = watched.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
        if changed.count < ids.count {
            for k in outgoing[p] { send(changed, along: k) }
            recountUnstable()
            pendingTick = nil
        } else {
            recomputeFields()
        }
    }

    /// The states of population `p`.
    public func states(of p: Int) -> ArraySlice<Double> { state[populations[p].ids] }

    /// Whether every unit of population `p` is free (not clamped).
    public func isFree(_ p: Int) -> Bool { watched[populations[p].ids].allSatisfy { $0 != 0 } }

    /// Uniformly random ±1 states for a population (free).
    public func randomize(population p: Int, rng source: inout RandomStream) {
        let values = (0..<populations[p].size).map { _ in source.nextSpin() }
        setState(values, population: p)
    }

    func recountUnstable() { trackedUnstable = countUnstable() }

    /// Free units with s_i h_i < 0, counted afresh in O(N).
    func countUnstable() -> Int { DenseKernels.countUnstable(watched, field) }

    /// Prepares a relaxation starting at `time` on a scheduler whose clock is
    /// there. With `reportsAssignments`, sinks get an `assign` record for every
    /// unit whose state was set since they last heard of it.
    public func beginRelaxation(at time: SimTime) {
        if reportsAssignments && sinks.isActive && !silenced { reportAssignedStates(at: time) }
        pendingTick = nil
        sweep.begin(at: time, watched: watched, freeCount: freeCount)
    }

    func reportAssignedStates(at time: SimTime) {
        for i in state.indices where reported[i] != state[i] {
            sinks.emit(.assign(NeuronID(Int(firstID) + i), state[i], at: time))
            reported[i] = state[i]
        }
    }

    /// m = (1/N) Σ_i ξ_i s_i over population `p`.
    public func overlap(with pattern: [Double], population p: Int) -> Double {
        let ids = populations[p].ids
        var m = 0.0
        for k in 0..<ids.count { m += pattern[k] * state[ids.lowerBound + k] }
        return m / Double(ids.count)
    }

    /// E = −½ Σ_i s_i h_i (the Hopfield energy for symmetric couplings).
    public var energy: Double {
        var e = 0.0
        for i in state.indices { e -= 0.5 * state[i] * field[i] }
        return e
    }

    /// The index of the population named `name`.
    public func populationIndex(_ name: String) -> Int? { populations.firstIndex { $0.name == name } }
    public func projectionIndex(_ name: String) -> Int? { projections.firstIndex { $0.name == name } }
}
