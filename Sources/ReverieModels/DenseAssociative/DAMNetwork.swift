import ReverieKernel

/// A dense associative memory as actors (docs/science.md §7; Krotov & Hopfield
/// 2016): N visible ±1 units and K memory units, memory μ joined to visible unit
/// i by the synapse ξ_i^μ ∈ [−1, 1] (the bipartite graph of the energy
/// E(σ) = −Σ_μ F(c ξ^μ·σ), c = β/N).
///
/// **Memory units.** Memory μ keeps its overlap m_μ = ξ^μ·σ with the visible
/// state, updated by the flip messages it receives (m_μ += ξ_i^μ Δσ_i when visible
/// unit i flips), and publishes what the visible units need.
///
/// **Visible units.** Unit i takes the sign of its bracket
///
///     b_i = Σ_μ [F(c ξ^μ·σ^{(i,+)}) − F(c ξ^μ·σ^{(i,−)})],
///
/// σ^{(i,±)} = σ with unit i set to ±1. With y = σ_i ξ_i^μ the overlaps of σ^{(i,±)}
/// are m_μ + (1 − σ_i) ξ_i^μ and m_μ − (1 + σ_i) ξ_i^μ, so the term of memory μ is
/// σ_i [F(c m_μ) − F(c (m_μ − 2y))] (`InteractionFunction.bracketTerm`).
///
/// - **Two-quantity messages** (every ξ_i^μ = ±1, so y = ±1): with
///   D± = F(c m) − F(c (m ∓ 2)), A = (D₊ + D₋)/2 and B = (D₊ − D₋)/2,
///   F(c m) − F(c (m − 2y)) = D_y = A + y B, hence
///
///       b_i = σ_i Σ_μ A(m_μ) + Σ_μ ξ_i^μ B(m_μ):
///
///   each memory unit publishes (A(m_μ), B(m_μ)), and unit i needs only their
///   sum S_A = Σ_μ A_μ, the field h_i = Σ_μ ξ_i^μ B_μ of its own synapses, and its
///   state. For F = x² this is b_i = 4c² Σ_{j≠i} J_ij σ_j with J = Σ_μ ξ^μ ξ^μᵀ
///   (Hopfield's field, zero diagonal).
/// - **Overlap messages** (learned memories in [−1, 1]: the term is not linear in
///   y): each memory unit publishes m_μ and unit i evaluates its K terms itself.
///
/// Both are exact; `bracketByDefinition` is the reference the tests compare them
/// with. The tie rule decides b_i = 0: keep the state (energy-neutral) or −1 (the
/// authors' `BipolarHeaviside`). Unit i is unstable when the sign it would take
/// differs from σ_i; `decision[i]` holds b_i with a tie under `.minusOne` stored as
/// the smallest negative number, so "unstable" is `watched_i · decision_i < 0`
/// exactly as for binary units, and the binary family's clocks (`SweepClock`,
/// `PoissonClock`) drive the visible units unchanged.
///
/// **Updates.** Asynchronous, as the binary family: a flip reaches every memory
/// unit (O(K)), which publish anew, and every bracket changes.
/// - Poisson clocks keep a running count of unstable units: after every flip all
///   fields are summed afresh, h = ξᵀB (O(NK), so nothing drifts), and counted.
/// - Random-sequential sweeps (`SweepClock`) find the next unstable unit of their
///   permutation by evaluating brackets as they go (O(K) each); where a sweep
///   ends or has no unstable unit left they ask whether any free unit is
///   unstable, evaluating only the units not found stable since the memory units
///   last published (`anyUnstable`). A field is summed by the same function
///   either way (`fieldSum`), so this is
///   bit for bit the trajectory of keeping every bracket (`keepsBrackets`), at
///   O(K) per flip and per visited unit instead of O(NK) per flip.
/// Either way a relaxation stops exactly at a fixed point, and the energy never
/// increases (b_i = E(σ^{(i,−)}) − E(σ^{(i,+)})).
/// Synchronous (the authors' `relaxStates`): every free unit takes its sign at
/// once, once per 1/rate; it stops when a step changes nothing, but may cycle
/// (period 2) where asynchronous updates reach a fixed point, and its energy may
/// rise. From the same start the two generally end in different fixed points.
public final class DAMNetwork {
    public enum Tie: String, Sendable, CaseIterable {
        case keep
        case minusOne = "minus-one"
    }

    public enum Update: String, Sendable, CaseIterable {
        case randomSequential = "random-sequential"
        case poisson
        case synchronous
    }

    public let name: String
    public let size: Int
    public let memoryCount: Int
    public let interaction: InteractionFunction
    /// c = β/N.
    public let scale: Double
    public let tie: Tie
    public let update: Update
    /// Updates per unit per time unit (synchronous: steps per time unit).
    public let rate: Double
    public let sinks: SinkHub
    public let firstID: UInt32

    /// ξ: row μ is memory μ (`memories[pre: μ, post: i]` = ξ_i^μ).
    public private(set) var memories: DenseWeights
    /// ξᵀ: row i holds unit i's synapses to every memory (the fan-out of a flip).
    private(set) var transposed: DenseWeights
    /// Whether every synapse is ±1 (two-quantity messages).
    public private(set) var binaryMemories: Bool

    @exclusivity(unchecked) public private(set) var state: [Double]
    /// m_μ = ξ^μ·σ.
    @exclusivity(unchecked) public private(set) var overlaps: [Double]
    /// (A_μ, B_μ) as published (two-quantity messages only).
    @exclusivity(unchecked) var publishedA: [Double]
    @exclusivity(unchecked) var publishedB: [Double]
    /// S_A = Σ_μ A_μ, summed in memory order.
    @exclusivity(unchecked) var sumA = 0.0
    /// (A(m), B(m)) for every overlap m ∈ {−N, …, N} of ±1 memories and states,
    /// evaluated once (entry m + N): publishing is a lookup.
    var publishedTable: [(a: Double, b: Double)] = []
    /// h_i = Σ_μ ξ_i^μ B_μ (two-quantity messages only).
    @exclusivity(unchecked) var field: [Double]
    /// b_i of free units, the tie mapped (see above); 0 for clamped units. Current
    /// after every flip when `keepsBrackets`, else after `refreshBrackets`.
    @exclusivity(unchecked) var decision: [Double]
    /// σ_i for free units, 0 for clamped ones.
    @exclusivity(unchecked) var watched: [Double]
    @exclusivity(unchecked) var freeCount: Int
    @exclusivity(unchecked) var trackedUnstable = 0
    /// Every bracket kept current after every flip (Poisson and synchronous
    /// updates); sweeps evaluate them when they visit a unit.
    var keepsBrackets: Bool
    /// Counts the states the memory units have published; `verified[i]` is the
    /// count at which unit i was last found stable (lazy sweeps).
    @exclusivity(unchecked) var publication = 0
    @exclusivity(unchecked) var verified: [Int]

    /// Free units whose bracket's sign differs from their state.
    public var unstableCount: Int { keepsBrackets ? trackedUnstable : refreshBrackets() }

    @exclusivity(unchecked) var scheduler = Scheduler<Never>()
    @exclusivity(unchecked) var pendingTick: SimTime? = nil
    @exclusivity(unchecked) var sweep = SweepClock()
    /// Start of the current synchronous run and the steps taken in it.
    @exclusivity(unchecked) var stepOrigin = SimTime.zero
    @exclusivity(unchecked) var steps = 0
    @exclusivity(unchecked) var rng: RandomStream

    /// Report states set from outside the dynamics (`assign` records) when a relaxation begins.
    public var reportsAssignments = false
    @exclusivity(unchecked) var reported: [Double]

    @exclusivity(unchecked) public private(set) var updates = 0
    @exclusivity(unchecked) public private(set) var flips = 0
    @exclusivity(unchecked) public private(set) var synapticEvents = 0

    public init(name: String, memories: DenseWeights, interaction: InteractionFunction, beta: Double, tie: Tie,
                update: Update, rate: Double, rng: RandomStream, sinks: SinkHub = SinkHub(), firstID: UInt32 = 0) {
        precondition(memories.preCount > 0 && memories.postCount > 0)
        self.name = name
        size = memories.postCount
        memoryCount = memories.preCount
        self.interaction = interaction
        scale = beta / Double(memories.postCount)
        self.tie = tie
        self.update = update
        self.rate = rate
        self.rng = rng
        self.sinks = sinks
        self.firstID = firstID
        self.memories = memories
        transposed = DenseWeights(preCount: 0, postCount: 0)
        binaryMemories = false
        keepsBrackets = update != .randomSequential
        state = Array(repeating: 1, count: size)
        overlaps = Array(repeating: 0, count: memoryCount)
        publishedA = Array(repeating: 0, count: memoryCount)
        publishedB = Array(repeating: 0, count: memoryCount)
        field = Array(repeating: 0, count: size)
        decision = Array(repeating: 0, count: size)
        watched = Array(repeating: 1, count: size)
        freeCount = size
        reported = Array(repeating: 0, count: size)
        verified = Array(repeating: -1, count: size)
        setMemories(memories)
    }

    /// The network's clock.
    public var now: SimTime { scheduler.now }

    // MARK: Memories and state

    /// Replaces the memories (after storage or a training step) and recomputes
    /// every overlap and bracket.
    public func setMemories(_ xi: DenseWeights) {
        precondition(xi.preCount == memoryCount && xi.postCount == size, "memory shape mismatch")
        memories = xi
        var t = DenseWeights(preCount: size, postCount: memoryCount)
        let k = memoryCount, n = size
        t.weights.withUnsafeMutableBufferPointer { out in
            xi.weights.withUnsafeBufferPointer { w in
                for mu in 0..<k { for i in 0..<n { out[i * k + mu] = w[mu * n + i] } }
            }
        }
        transposed = t
        binaryMemories = xi.weights.allSatisfy { $0 == 1 || $0 == -1 }
        publishedTable = binaryMemories ? (-size...size).map { interaction.published(overlap: Double($0), scale: scale) } : []
        recompute()
    }

    /// Sets the visible states (±1) and which units are free to update (nil: all).
    public func setState(_ values: [Double], free mask: [Bool]? = nil) {
        precondition(values.count == size && values.allSatisfy { $0 == 1 || $0 == -1 }, "visible states are ±1")
        precondition(mask.map { $0.count == size } ?? true)
        state = values
        for i in 0..<size { watched[i] = (mask?[i] ?? true) ? values[i] : 0 }
        freeCount = watched.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
        recompute()
    }

    /// Uniformly random ±1 states, every unit free.
    public func randomize(rng source: inout RandomStream) {
        setState((0..<size).map { _ in source.nextSpin() })
    }

    /// Whether unit i may update.
    public func isFree(_ i: Int) -> Bool { watched[i] != 0 }

    /// m = ξσ (rows of ξᵀ added in order), the published quantities and every bracket.
    func recompute() {
        for mu in 0..<memoryCount { overlaps[mu] = 0 }
        DenseKernels.project(transposed, state[...], into: &overlaps)
        publish()
        pendingTick = nil
    }

    /// Memory units publish from their overlaps; visible units assemble their brackets.
    func publish() {
        publication += 1
        if binaryMemories {
            let n = size
            sumA = publishedTable.withUnsafeBufferPointer { table in
                overlaps.withUnsafeBufferPointer { m in
                    publishedA.withUnsafeMutableBufferPointer { a in
                        publishedB.withUnsafeMutableBufferPointer { b in
                            var total = 0.0
                            for mu in 0..<m.count {
                                let entry = table[Int(m[mu]) + n]
                                a[mu] = entry.a; b[mu] = entry.b
                                total += entry.a
                            }
                            return total
                        }
                    }
                }
            }
        }
        if keepsBrackets { trackedUnstable = refreshBrackets() }
    }

    /// Every free unit's bracket and decision from what the memory units
    /// published; returns the number of unstable units.
    @discardableResult
    func refreshBrackets() -> Int {
        if binaryMemories {
            for i in 0..<size where watched[i] != 0 {
                field[i] = fieldSum(i)
                decision[i] = mapped(state[i] * sumA + field[i])
            }
        } else {
            for i in 0..<size where watched[i] != 0 { decision[i] = mapped(overlapBracket(i)) }
        }
        for i in 0..<size where watched[i] == 0 { decision[i] = 0 }
        synapticEvents += memoryCount * freeCount
        return DenseKernels.countUnstable(watched, decision)
    }

    /// b with a tie under `.minusOne` as the smallest negative number.
    @inline(__always) func mapped(_ b: Double) -> Double {
        b == 0 && tie == .minusOne ? -Double.leastNonzeroMagnitude : b
    }

    /// Unit i's decision value, evaluated now unless every bracket is kept.
    @inline(__always) func decisionValue(_ i: Int) -> Double {
        if keepsBrackets { return decision[i] }
        synapticEvents += memoryCount
        let d = mapped(bracket(i))
        if watched[i] * d >= 0 { verified[i] = publication }
        return d
    }

    /// Whether some free unit is unstable, evaluating only the units not found
    /// stable since the memory units last published (lazy sweeps).
    func anyUnstable() -> Bool {
        for i in 0..<size where watched[i] != 0 && verified[i] != publication {
            if watched[i] * decisionValue(i) < 0 { return true }
        }
        return false
    }

    /// h_i = Σ_μ ξ_i^μ B_μ, the one summation of a field whether a sweep asks for
    /// one unit's or every bracket is refreshed: eight partial sums over
    /// μ mod 8, added pairwise ((s₀ + s₁) + (s₂ + s₃)) + ((s₄ + s₅) + (s₆ + s₇)), the rest
    /// onto s₀ first.
    func fieldSum(_ i: Int) -> Double {
        transposed.weights.withUnsafeBufferPointer { w in
            publishedB.withUnsafeBufferPointer { b in
                let row = w.baseAddress! + i * memoryCount, bp = b.baseAddress!, k = memoryCount
                // Lanes j of `low` and `high` hold the partial sums s_j and s_{4+j}.
                var low = SIMD4<Double>(), high = SIMD4<Double>()
                var mu = 0
                while mu + 8 <= k {
                    let w = UnsafeRawPointer(row + mu), v = UnsafeRawPointer(bp + mu)
                    low += w.loadUnaligned(as: SIMD4<Double>.self) * v.loadUnaligned(as: SIMD4<Double>.self)
                    high += w.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self) * v.loadUnaligned(fromByteOffset: 32, as: SIMD4<Double>.self)
                    mu += 8
                }
                while mu < k { low[0] += row[mu] * bp[mu]; mu += 1 }
                return ((low[0] + low[1]) + (low[2] + low[3])) + ((high[0] + high[1]) + (high[2] + high[3]))
            }
        }
    }

    /// Unit i's bracket from the overlaps the memory units publish (overlap messages).
    func overlapBracket(_ i: Int) -> Double {
        let s = state[i], c = scale
        var b = 0.0
        for mu in 0..<memoryCount { b += interaction.bracketTerm(overlap: overlaps[mu], synapse: transposed[pre: i, post: mu], state: s, scale: c) }
        return b
    }

    /// Unit i's bracket b_i as the network assembles it (two-quantity or overlap
    /// messages), for any unit, free or clamped.
    public func bracket(_ i: Int) -> Double {
        guard binaryMemories else { return overlapBracket(i) }
        return state[i] * sumA + (keepsBrackets && watched[i] != 0 ? field[i] : fieldSum(i))
    }

    /// b_i from its definition: the overlaps of σ^{(i,+)} and σ^{(i,−)} with every
    /// memory summed afresh, Σ_μ [F(c ξ^μ·σ^{(i,+)}) − F(c ξ^μ·σ^{(i,−)})].
    public static func bracketByDefinition(memories xi: DenseWeights, interaction f: InteractionFunction, scale c: Double,
                                           state: [Double], unit i: Int) -> Double {
        var plus = state, minus = state
        plus[i] = 1; minus[i] = -1
        var b = 0.0
        for mu in 0..<xi.preCount {
            var mp = 0.0, mm = 0.0
            for j in 0..<xi.postCount { mp += xi[pre: mu, post: j] * plus[j]; mm += xi[pre: mu, post: j] * minus[j] }
            b += f(c * mp) - f(c * mm)
        }
        return b
    }

    /// E = −Σ_μ F(c m_μ).
    public var energy: Double {
        var e = 0.0
        for mu in 0..<memoryCount { e -= interaction(scale * overlaps[mu]) }
        return e
    }

    /// q = (1/N) Σ_i p_i σ_i.
    public func overlap(with pattern: [Double]) -> Double {
        var q = 0.0
        for i in 0..<size { q += pattern[i] * state[i] }
        return q / Double(size)
    }

    // MARK: Flips

    /// Unit i takes the sign of its bracket; returns whether it flipped.
    @discardableResult
    func updateUnit(_ i: Int, at time: SimTime) -> Bool {
        updates += 1
        let d = decisionValue(i), s = state[i], next = d > 0 ? 1.0 : (d < 0 ? -1.0 : s)
        guard next != s else { return false }
        applyFlips([(i, next - s)], at: time)
        return true
    }

    /// The flips reach every memory unit (m_μ += ξ_i^μ Δσ_i), which publish anew.
    func applyFlips(_ changes: [(row: Int, coefficient: Double)], at time: SimTime) {
        for (i, d) in changes {
            state[i] += d
            watched[i] = watched[i] == 0 ? 0 : state[i]
            flips += 1
            if sinks.isActive { sinks.emit(.state(NeuronID(Int(firstID) + i), state[i], at: time)); reported[i] = state[i] }
        }
        DenseKernels.addRows(of: transposed, changes, into: &overlaps, at: 0)
        synapticEvents += changes.count * memoryCount
        publish()
        pendingTick = nil
    }

    /// One synchronous step: every free unit takes the sign of its bracket at once.
    /// Returns the number of units that changed.
    func synchronousStep(at time: SimTime) -> Int {
        var changes: [(row: Int, coefficient: Double)] = []
        for i in 0..<size where watched[i] != 0 {
            updates += 1
            let s = state[i], next = decision[i] > 0 ? 1.0 : (decision[i] < 0 ? -1.0 : s)
            if next != s { changes.append((i, next - s)) }
        }
        if !changes.isEmpty { applyFlips(changes, at: time) }
        return changes.count
    }

    // MARK: Relaxation

    /// Prepares a relaxation at `time` (reports assigned states, starts a sweep).
    public func beginRelaxation(at time: SimTime) {
        if reportsAssignments && sinks.isActive {
            for i in 0..<size where reported[i] != state[i] {
                sinks.emit(.assign(NeuronID(Int(firstID) + i), state[i], at: time))
                reported[i] = state[i]
            }
        }
        pendingTick = nil
        stepOrigin = time
        steps = 0
        sweep.begin(at: time, watched: watched, freeCount: freeCount)
    }

    /// Runs the free dynamics on the network's own clock until no unit is unstable
    /// (an exact fixed point) or `maxEvents` updates; returns the flips. Throws
    /// `RelaxationError` when the budget runs out (a synchronous cycle).
    @discardableResult
    public func relaxToFixedPoint(maxEvents: Int) throws -> Int {
        let before = flips
        beginRelaxation(at: now)
        var control = AdvanceControl(budget: maxEvents)
        guard runScheduler(until: .infinity, control: &control) == .quiescent else { throw RelaxationError(events: maxEvents) }
        return flips - before
    }
}

extension DAMNetwork: DiscreteEventSystem {
    public func nextSpontaneousTime(after now: SimTime) -> SimTime? {
        if let t = pendingTick { return t }
        let t: SimTime?
        switch update {
        case .poisson:
            t = PoissonClock.nextTick(after: now, candidates: trackedUnstable, rate: rate, rng: &rng)
        case .randomSequential:
            if keepsBrackets {
                t = sweep.nextTick(after: now, zeroTemperature: true, rate: rate, watched: watched, field: decision,
                                   rng: &rng, updates: &updates)
            } else {
                t = sweep.nextTick(after: now, zeroTemperature: true, rate: rate, rng: &rng, updates: &updates,
                                   firstUnstable: { order, from in
                                       var p = from
                                       while p < order.count {
                                           let i = order[p]
                                           if watched[i] * decisionValue(i) < 0 { return p }
                                           p += 1
                                       }
                                       return nil
                                   }, noneUnstable: { !anyUnstable() })
            }
        case .synchronous:
            t = trackedUnstable == 0 ? nil : stepOrigin + SimTime(Double(steps + 1) / rate)
        }
        pendingTick = t
        return t
    }

    public func fireSpontaneous(at time: SimTime, scheduler: inout Scheduler<Never>) {
        pendingTick = nil
        switch update {
        case .poisson:
            updateUnit(PoissonClock.pick(zeroTemperature: true, watched: watched, field: decision, rng: &rng), at: time)
        case .randomSequential:
            updateUnit(sweep.fire(at: time), at: time)
        case .synchronous:
            steps += 1
            _ = synchronousStep(at: time)
        }
    }

    public func handle(_ event: Event<Never>, scheduler: inout Scheduler<Never>) {}
}
