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

    /// A state change in flight along one projection.
    public struct Message: Sendable {
        public var projection: UInt16
        public var pre: UInt32
        public var delta: Double
    }

    public let populations: [Population]
    public internal(set) var projections: [Projection]
    public var dynamics: BinaryDynamics
    public let sinks: SinkHub

    /// s_i ∈ {−1, +1}.
    public internal(set) var state: [Double]
    /// h_i = Σ_j J_ij s_j as assembled from the messages each unit received.
    public internal(set) var field: [Double]
    /// 1 for units that update, 0 for clamped ones.
    @usableFromInline var free: [Int]
    /// Number of free units with s_i h_i < 0.
    public internal(set) var unstableCount = 0
    @usableFromInline var outgoing: [[Int]]
    @usableFromInline var populationOf: [Int]
    @usableFromInline var rng: RandomStream

    // Clock bookkeeping.
    var pendingTick: SimTime? = nil
    var sweepOrder: [Int] = []
    var sweepPosition = 0
    var sweepStart = SimTime.zero

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
        free = Array(repeating: 1, count: next)
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
        return projections.count - 1
    }

    // MARK: State

    /// Sets the states of a population and clamps or frees it. Fields are
    /// reassembled (every unit sends its state once), which costs O(synapses).
    public func setState(_ values: [Double], population p: Int, clamped: Bool = false) {
        let ids = populations[p].ids
        precondition(values.count == ids.count, "state size mismatch")
        for (k, v) in values.enumerated() {
            precondition(v == 1 || v == -1, "binary states are ±1")
            state[ids.lowerBound + k] = v
            free[ids.lowerBound + k] = clamped ? 0 : 1
        }
        recomputeFields()
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
                        for j in 0..<w.preCount {
                            let sj = s[preBase + j], row = wb.baseAddress! + j * n
                            for i in 0..<n { hp[i] += row[i] * sj }
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

    func recountUnstable() {
        var c = 0
        for i in state.indices where free[i] == 1 && state[i] * field[i] < 0 { c += 1 }
        unstableCount = c
    }

    /// Prepares a relaxation starting at the scheduler's current time.
    public func beginRelaxation(at time: SimTime) {
        pendingTick = nil
        sweepOrder = []
        sweepPosition = 0
        sweepStart = time
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
        if zeroT && unstableCount == 0 { return nil }
        let t: SimTime
        switch dynamics.order {
        case .poisson:
            let candidates = zeroT ? unstableCount : free.reduce(0, +)
            if candidates == 0 { return nil }
            t = now + SimTime(rng.nextExponential(rate: dynamics.rate * Double(candidates)))
        case .randomSequential:
            if sweepPosition == 0 || sweepPosition >= sweepOrder.count { startSweep(now: now) }
            if sweepOrder.isEmpty { return nil }
            t = sweepStart + SimTime(Double(sweepPosition + 1) / (Double(sweepOrder.count) * dynamics.rate))
        }
        pendingTick = t
        return t
    }

    func startSweep(now: SimTime) {
        if !sweepOrder.isEmpty { sweepStart = sweepStart + SimTime(1 / dynamics.rate) }
        else { sweepStart = now }
        sweepOrder = state.indices.filter { free[$0] == 1 }
        rng.shuffle(&sweepOrder)
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
                i = state.withUnsafeBufferPointer { s in
                    field.withUnsafeBufferPointer { h in
                        free.withUnsafeBufferPointer { f in
                            var c = rng.nextInt(below: s.count)
                            while !(f[c] == 1 && s[c] * h[c] < 0) { c = rng.nextInt(below: s.count) }
                            return c
                        }
                    }
                }
            } else {
                var c = rng.nextInt(below: state.count)
                while free[c] == 0 { c = rng.nextInt(below: state.count) }
                i = c
            }
        case .randomSequential:
            i = sweepOrder[sweepPosition]
            sweepPosition += 1
        }
        update(unit: i, at: time, scheduler: &scheduler)
    }

    @inline(__always)
    func update(unit i: Int, at time: SimTime, scheduler: inout Scheduler<Message>) {
        updates += 1
        let s = state[i], h = field[i]
        let next = dynamics.temperature.decide(state: s, field: h, rng: &rng)
        guard next != s else { return }
        if s * h < 0 { unstableCount -= 1 }
        if next * h < 0 { unstableCount += 1 }
        state[i] = next
        flips += 1
        if sinks.isActive { sinks.emit(.state(NeuronID(i), next, at: time)) }
        let p = populationOf[i]
        let local = UInt32(i - populations[p].ids.lowerBound)
        for k in outgoing[p] {
            let msg = Message(projection: UInt16(k), pre: local, delta: next - s)
            if projections[k].delay.value == 0 {
                deliver(msg)
            } else {
                scheduler.schedule(msg, after: projections[k].delay)
            }
        }
    }

    public func handle(_ event: Event<Message>, scheduler: inout Scheduler<Message>) {
        deliver(event.payload)
    }

    /// h_i += J_ij Δs_j for every target i, keeping the unstable count exact.
    @inline(__always)
    func deliver(_ msg: Message) {
        pendingTick = nil
        let proj = projections[Int(msg.projection)]
        let base = populations[proj.post].ids.lowerBound
        let j = Int(msg.pre)
        let d = msg.delta
        var change = 0
        state.withUnsafeBufferPointer { s in
            free.withUnsafeBufferPointer { f in
                field.withUnsafeMutableBufferPointer { h in
                    switch proj.synapses {
                    case .dense(let w):
                        let n = w.postCount
                        w.weights.withUnsafeBufferPointer { wb in
                            let row = wb.baseAddress! + j * n
                            let hp = h.baseAddress! + base, sp = s.baseAddress! + base, fp = f.baseAddress! + base
                            for k in 0..<n {
                                let old = hp[k]
                                let new = old + row[k] * d
                                hp[k] = new
                                let si = sp[k]
                                // free is 0 or 1: masking with −free avoids a 64-bit vector multiply.
                                change &+= (0 &- fp[k]) & ((si * new < 0 ? 1 : 0) &- (si * old < 0 ? 1 : 0))
                            }
                        }
                        synapticEvents += n
                    case .sparse(let w):
                        let lo = w.rowStart[j], hi = w.rowStart[j + 1]
                        for k in lo..<hi {
                            let i = base + Int(w.targets[k])
                            let old = h[i]
                            let new = old + w.weights[k] * d
                            h[i] = new
                            change &+= f[i] &* ((s[i] * new < 0 ? 1 : 0) &- (s[i] * old < 0 ? 1 : 0))
                        }
                        synapticEvents += hi - lo
                    }
                }
            }
        }
        unstableCount += change
    }
}
