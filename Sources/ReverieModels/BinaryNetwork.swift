import CReverieSIMD
import ReverieKernel

/// A network of binary (±1) units updating asynchronously (science.md §1).
///
/// Units are actors: on its clock tick a unit reads only its own state `s_i` and
/// local field `h_i` and decides (`BinaryTemperature.decide`). When it flips it
/// sends `Δs_j` along each outgoing projection; after the projection's delay
/// (zero allowed) every receiver applies `h_i += J_ij Δs_j`. A flip costs its
/// fan-out; an update that does not flip costs O(1).
///
/// The network keeps an exact count of unstable free units (`s_i h_i < 0`;
/// `h_i = 0` keeps the state, so it is stable). With no message in flight and no
/// unstable unit the network is at a fixed point and the scheduler stops
/// (`StopReason.quiescent`) without simulating idle ticks.
///
/// State is stored as structure of arrays indexed by `NeuronID`; populations
/// occupy consecutive id ranges.
public final class BinaryNetwork: DiscreteEventSystem {
    public struct Population: Sendable {
        public var name: String
        public var ids: Range<Int>
        public var size: Int { ids.count }
    }

    public struct Projection: Sendable {
        public var name: String
        public var pre: Int
        public var post: Int
        public var synapses: Connectivity
        public var delay: SimTime
        /// A recurrent projection without self-synapses (J_ii = 0).
        public var skipSelf: Bool
    }

    /// A state change in flight along one projection, or a stimulus
    /// (`projection == Message.stimulusProjection`: set unit `pre` (global id) to `delta`).
    public struct Message: Sendable {
        public var projection: UInt16
        public var pre: UInt32
        public var delta: Double

        static let stimulusProjection = UInt16.max

        /// Sets unit `unit` to `state` when delivered (schedule it in phase `.stimulus`).
        public static func stimulus(unit: NeuronID, state: Double) -> Message {
            Message(projection: stimulusProjection, pre: unit.rawValue, delta: state)
        }
    }

    public let populations: [Population]
    public internal(set) var projections: [Projection]
    public var dynamics: BinaryDynamics { didSet { recountUnstable() } }
    public let sinks: SinkHub

    /// s_i ∈ {−1, +1}.
    public internal(set) var state: [Double]
    /// h_i = Σ_j J_ij s_j as assembled from the messages each unit received.
    public internal(set) var field: [Double]
    /// s_i for free units, 0 for clamped ones: unit i is unstable iff watched_i h_i < 0,
    /// one multiply and compare per target in the fan-out loop.
    @usableFromInline var watched: [Double]
    /// Number of free (unclamped) units.
    var freeCount: Int
    /// Number of free units with s_i h_i < 0.
    public var unstableCount: Int { tracksUnstable ? trackedUnstable : countUnstable() }
    /// The running count, kept exact by every delivery when `tracksUnstable`.
    var trackedUnstable = 0
    /// Poisson clocks at zero temperature draw the next tick among unstable units,
    /// so every delivery keeps a running count; random-sequential sweeps find
    /// unstable units by scanning and check for a fixed point with one O(N) count
    /// when a sweep's remaining units are all stable.
    var tracksUnstable: Bool { dynamics.order == .poisson && dynamics.temperature == .zero }
    @usableFromInline var outgoing: [[Int]]
    @usableFromInline var populationOf: [Int]
    @usableFromInline var rng: RandomStream

    // Clock bookkeeping.
    var pendingTick: SimTime? = nil
    var sweepOrder: [Int] = []
    var sweepPosition = 0
    var sweepStarted = false
    var sweepStart = SimTime.zero
    /// Time of the last tick of the current sweep that fired (−∞ before the first).
    var lastTick = SimTime(-.infinity)

    /// Report states set from outside the dynamics (`RecordKind.assign`) when a
    /// relaxation begins, so sinks can reconstruct every state (model runs do).
    public var reportsAssignments = false
    /// Each unit's state as last reported to the sinks (0: never).
    var reported: [Double]

    /// Counters since construction.
    public private(set) var updates = 0
    public private(set) var flips = 0
    public internal(set) var synapticEvents = 0

    /// - Parameter populations: (name, size) in id order.
    public init(populations: [(name: String, size: Int)], dynamics: BinaryDynamics,
                rng: RandomStream, sinks: SinkHub = SinkHub()) {
        var pops: [Population] = []
        var next = 0
        var owner: [Int] = []
        for (k, p) in populations.enumerated() {
            pops.append(Population(name: p.name, ids: next..<(next + p.size)))
            owner += Array(repeating: k, count: p.size)
            next += p.size
        }
        self.populations = pops
        self.projections = []
        self.dynamics = dynamics
        self.sinks = sinks
        self.rng = rng
        state = Array(repeating: 1, count: next)
        field = Array(repeating: 0, count: next)
        watched = Array(repeating: 1, count: next)
        freeCount = next
        reported = Array(repeating: 0, count: next)
        outgoing = Array(repeating: [], count: pops.count)
        populationOf = owner
    }

    public var unitCount: Int { state.count }

    /// Adds a projection; returns its index.
    @discardableResult
    public func connect(_ name: String, from pre: Int, to post: Int, synapses: Connectivity,
                        delay: SimTime = .zero, skipSelf: Bool) -> Int {
        precondition(synapses.preCount == populations[pre].size && synapses.postCount == populations[post].size,
                     "connectivity shape does not match populations")
        projections.append(Projection(name: name, pre: pre, post: post, synapses: synapses,
                                      delay: delay, skipSelf: skipSelf))
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
        var changed: [(unit: Int, delta: Double)] = []
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

    /// h_i += Σ_j J_ij Δs_j over the changed presynaptic units of projection `k`.
    func send(_ changed: [(unit: Int, delta: Double)], along k: Int) {
        let proj = projections[k]
        let base = populations[proj.post].ids.lowerBound
        field.withUnsafeMutableBufferPointer { h in
            let hp = h.baseAddress! + base
            switch proj.synapses {
            case .dense(let w):
                let n = w.postCount
                w.weights.withUnsafeBufferPointer { wb in
                    let row = { (c: Int) in wb.baseAddress! + changed[c].unit * n }
                    var c = 0
                    while c + 4 <= changed.count {
                        rv_accumulate4(hp, row(c), row(c + 1), row(c + 2), row(c + 3), changed[c].delta, changed[c + 1].delta,
                                       changed[c + 2].delta, changed[c + 3].delta, Int64(n))
                        c += 4
                    }
                    for (j, d) in changed[c...] {
                        let r = wb.baseAddress! + j * n
                        for i in 0..<n { hp[i] += r[i] * d }
                    }
                }
            case .sparse(let w):
                for (j, d) in changed {
                    for q in w.rowStart[j]..<w.rowStart[j + 1] { hp[Int(w.targets[q])] += w.weights[q] * d }
                }
            }
        }
    }

    /// Uniformly random ±1 states for a population (free).
    public func randomize(population p: Int, rng source: inout RandomStream) {
        let values = (0..<populations[p].size).map { _ in source.nextSpin() }
        setState(values, population: p)
    }

    /// h = Σ_projections Jᵀ s, then the unstable count.
    public func recomputeFields() {
        let s = state
        field.withUnsafeMutableBufferPointer { h in
            for i in h.indices { h[i] = 0 }
            for proj in projections {
                let preBase = populations[proj.pre].ids.lowerBound
                let hp = h.baseAddress! + populations[proj.post].ids.lowerBound
                switch proj.synapses {
                case .dense(let w):
                    let n = w.postCount
                    w.weights.withUnsafeBufferPointer { wb in
                        // Four presynaptic rows per pass over h: a quarter of the loads and stores of h.
                        var j = 0
                        while j + 4 <= w.preCount {
                            let r0 = wb.baseAddress! + j * n
                            rv_accumulate4(hp, r0, r0 + n, r0 + 2 * n, r0 + 3 * n, s[preBase + j], s[preBase + j + 1],
                                           s[preBase + j + 2], s[preBase + j + 3], Int64(n))
                            j += 4
                        }
                        while j < w.preCount {
                            let sj = s[preBase + j], row = wb.baseAddress! + j * n
                            for i in 0..<n { hp[i] += row[i] * sj }
                            j += 1
                        }
                    }
                case .sparse(let w):
                    for j in 0..<w.preCount {
                        let sj = s[preBase + j]
                        for k in w.rowStart[j]..<w.rowStart[j + 1] { hp[Int(w.targets[k])] += w.weights[k] * sj }
                    }
                }
            }
        }
        recountUnstable()
        pendingTick = nil
    }

    func recountUnstable() { trackedUnstable = countUnstable() }

    /// Free units with s_i h_i < 0, counted afresh in O(N).
    func countUnstable() -> Int {
        watched.withUnsafeBufferPointer { s in
            field.withUnsafeBufferPointer { h in Int(rv_count_unstable(s.baseAddress!, h.baseAddress!, Int64(s.count))) }
        }
    }

    /// Prepares a relaxation starting at the scheduler's current time. With
    /// `reportsAssignments`, sinks get an `assign` record for every unit whose state
    /// was set since they last heard of it.
    public func beginRelaxation(at time: SimTime) {
        if reportsAssignments && sinks.isActive { reportAssignedStates(at: time) }
        pendingTick = nil
        if sweepOrder.count != freeCount { sweepOrder = [Int](repeating: 0, count: freeCount) }
        watched.withUnsafeBufferPointer { s in
            sweepOrder.withUnsafeMutableBufferPointer { order in
                var c = 0
                for i in s.indices where s[i] != 0 { precondition(c < order.count); order[c] = i; c += 1 }
                precondition(c == order.count, "free unit count out of date")
            }
        }
        sweepPosition = 0
        sweepStarted = false
        sweepStart = time
    }

    func reportAssignedStates(at time: SimTime) {
        for i in state.indices where reported[i] != state[i] {
            sinks.emit(.assign(NeuronID(i), state[i], at: time))
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

    // MARK: Plasticity

    /// What each unit of population `p` sends its synapses: its state, and its field.
    public func signals(population p: Int) -> [LocalSignal] {
        populations[p].ids.map { LocalSignal(activity: state[$0], aux: field[$0]) }
    }

    /// Applies `rule` to every synapse of projection `k` from the signals the two
    /// ends currently send. Fields are reassembled afterwards.
    public func learn(projection k: Int, rule: AnyPlasticityRule) {
        let pre = signals(population: projections[k].pre)
        let post = signals(population: projections[k].post)
        let skip = projections[k].skipSelf
        pre.withUnsafeBufferPointer { a in
            post.withUnsafeBufferPointer { b in
                rule.applyAll(&projections[k].synapses, a, b, skip)
            }
        }
        recomputeFields()
    }

    /// Replaces the weights of projection `k` (e.g. a closed-form reference).
    public func setSynapses(_ synapses: Connectivity, projection k: Int) {
        precondition(synapses.preCount == projections[k].synapses.preCount
                     && synapses.postCount == projections[k].synapses.postCount)
        projections[k].synapses = synapses
        recomputeFields()
    }

    /// Reports every weight of projection `k` to the sinks.
    public func emitWeights(projection k: Int, at time: SimTime) {
        guard sinks.isActive else { return }
        let proj = projections[k]
        let preBase = populations[proj.pre].ids.lowerBound
        let postBase = populations[proj.post].ids.lowerBound
        for j in 0..<proj.synapses.preCount {
            proj.synapses.forEachSynapse(from: j) { i, w in
                sinks.emit(.weight(pre: NeuronID(preBase + j), post: NeuronID(postBase + i), w, at: time))
            }
        }
    }

    // MARK: DiscreteEventSystem

    public func nextSpontaneousTime(after now: SimTime) -> SimTime? {
        if let t = pendingTick { return t }
        let zeroT = dynamics.temperature == .zero
        if zeroT && dynamics.order == .poisson && trackedUnstable == 0 { return nil }
        let t: SimTime
        switch dynamics.order {
        case .poisson:
            let candidates = zeroT ? trackedUnstable : freeCount
            if candidates == 0 { return nil }
            t = now + SimTime(rng.nextExponential(rate: dynamics.rate * Double(candidates)))
        case .randomSequential:
            // At zero temperature a tick of a stable unit changes nothing and draws no
            // randomness, so the sweep jumps to the next unstable unit: the same
            // trajectory and tick times as ticking every unit. Ticks before `now` were
            // passed while a queued event was pending and were stable then. Before a
            // new sweep, and when the rest of a sweep holds no unstable unit, one O(N)
            // count decides whether any unit can still change: if none can, this is a
            // fixed point (and no permutation is drawn).
            if zeroT && (!sweepStarted || sweepPosition >= sweepOrder.count) && countUnstable() == 0 { return nil }
            while true {
                if !sweepStarted || sweepPosition >= sweepOrder.count { startSweep(now: now) }
                if sweepOrder.isEmpty { return nil }
                guard zeroT else { break }
                let n = sweepOrder.count, start = sweepPosition
                // Skip positions whose tick lies before `now` (a tick at exactly `now` runs after the delivery);
                // there are none when the clock still stands at this sweep's last tick.
                var passed = start
                if now != lastTick { while passed < n && tickTime(passed) < now { passed += 1 } }
                let found: Int? = sweepOrder.withUnsafeBufferPointer { order in
                    watched.withUnsafeBufferPointer { s in
                        field.withUnsafeBufferPointer { h in
                            var p = passed
                            while p < n { let i = order[p]; if s[i] * h[i] < 0 { return p }; p += 1 }
                            return nil
                        }
                    }
                }
                if found == nil && countUnstable() == 0 { return nil }
                sweepPosition = found ?? n
                updates += sweepPosition - start
                if found != nil { break }
            }
            t = tickTime(sweepPosition)
        }
        pendingTick = t
        return t
    }

    /// The time of the tick at `position` in the current sweep.
    @inline(__always) func tickTime(_ position: Int) -> SimTime {
        sweepStart + SimTime(Double(position + 1) / (Double(sweepOrder.count) * dynamics.rate))
    }

    func startSweep(now: SimTime) {
        sweepStart = sweepStarted ? sweepStart + SimTime(1 / dynamics.rate) : now
        sweepStarted = true
        lastTick = SimTime(-.infinity)
        var r = rng  // a local copy stays in registers while the shuffle writes through a pointer
        sweepOrder.withUnsafeMutableBufferPointer { r.shuffle(&$0) }
        rng = r
        sweepPosition = 0
    }

    public func fireSpontaneous(at time: SimTime, scheduler: inout Scheduler<Message>) {
        pendingTick = nil
        let i: Int
        switch dynamics.order {
        case .poisson:
            if dynamics.temperature == .zero {
                // Uniform among unstable units, by rejection: expected N/#unstable draws,
                // no more than the fan-out cost of the flip that follows.
                i = watched.withUnsafeBufferPointer { s in
                    field.withUnsafeBufferPointer { h in
                        var c = rng.nextInt(below: s.count)
                        while !(s[c] * h[c] < 0) { c = rng.nextInt(below: s.count) }
                        return c
                    }
                }
            } else {
                var c = rng.nextInt(below: state.count)
                while watched[c] == 0 { c = rng.nextInt(below: state.count) }
                i = c
            }
        case .randomSequential:
            i = sweepOrder[sweepPosition]
            sweepPosition += 1
            lastTick = time
        }
        update(unit: i, at: time, scheduler: &scheduler)
    }

    @inline(__always)
    func update(unit i: Int, at time: SimTime, scheduler: inout Scheduler<Message>) {
        updates += 1
        let s = state[i], h = field[i]
        let next = dynamics.temperature.decide(state: s, field: h, rng: &rng)
        guard next != s else { return }
        if s * h < 0 { trackedUnstable -= 1 }
        if next * h < 0 { trackedUnstable += 1 }
        state[i] = next
        watched[i] = next
        flips += 1
        broadcast(from: i, change: next - s, at: time, scheduler: &scheduler)
    }

    /// Reports unit `i`'s new state and sends `Δs` along its outgoing projections.
    @inline(__always)
    func broadcast(from i: Int, change delta: Double, at time: SimTime, scheduler: inout Scheduler<Message>) {
        if sinks.isActive { sinks.emit(.state(NeuronID(i), state[i], at: time)); reported[i] = state[i] }
        let p = populationOf[i]
        let local = UInt32(i - populations[p].ids.lowerBound)
        for k in outgoing[p] {
            let msg = Message(projection: UInt16(k), pre: local, delta: delta)
            if projections[k].delay.value == 0 {
                deliver(msg)
            } else {
                scheduler.schedule(msg, after: projections[k].delay)
            }
        }
    }

    /// Sets unit `i` to `value` from outside (a stimulus, e.g. a recorded trace
    /// driving a clamped population) and sends the change to its targets like a flip.
    public func stimulate(unit i: Int, to value: Double, at time: SimTime, scheduler: inout Scheduler<Message>) {
        let s = state[i], h = field[i]
        guard value != s else { return }
        if watched[i] != 0 {
            if s * h < 0 { trackedUnstable -= 1 }
            if value * h < 0 { trackedUnstable += 1 }
            watched[i] = value
        }
        state[i] = value
        pendingTick = nil
        broadcast(from: i, change: value - s, at: time, scheduler: &scheduler)
    }

    public func handle(_ event: Event<Message>, scheduler: inout Scheduler<Message>) {
        let msg = event.payload
        if msg.projection == Message.stimulusProjection {
            stimulate(unit: Int(msg.pre), to: msg.delta, at: event.time, scheduler: &scheduler)
        } else {
            deliver(msg)
        }
    }

    /// h_i += J_ij Δs_j for every target i, keeping the unstable count exact.
    @inline(__always)
    func deliver(_ msg: Message) {
        pendingTick = nil
        let k = Int(msg.projection)
        let base = populations[projections[k].post].ids.lowerBound
        let j = Int(msg.pre)
        let d = msg.delta
        var change = 0
        let track = tracksUnstable
        switch projections[k].synapses {
        case .dense(let w):
            let n = w.postCount
            w.weights.withUnsafeBufferPointer { wb in
                let row = wb.baseAddress! + j * n
                field.withUnsafeMutableBufferPointer { h in
                    let hp = h.baseAddress! + base
                    if track {
                        change = watched.withUnsafeBufferPointer { s in Int(rv_fanout_dense(hp, row, s.baseAddress! + base, d, Int64(n))) }
                    } else {
                        rv_axpy(hp, row, d, Int64(n))
                    }
                }
            }
            synapticEvents += n
        case .sparse(let w):
            let lo = w.rowStart[j], hi = w.rowStart[j + 1]
            watched.withUnsafeBufferPointer { s in
                field.withUnsafeMutableBufferPointer { h in
                    for q in lo..<hi {
                        let i = base + Int(w.targets[q])
                        let old = h[i]
                        let new = old + w.weights[q] * d
                        h[i] = new
                        if track { change += (s[i] * new < 0 ? 1 : 0) - (s[i] * old < 0 ? 1 : 0) }
                    }
                }
            }
            synapticEvents += hi - lo
        }
        trackedUnstable += change
    }
}
