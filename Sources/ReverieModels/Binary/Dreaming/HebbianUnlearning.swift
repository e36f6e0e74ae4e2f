import ReverieKernel

/// Hebbian unlearning, "dreaming" (Hopfield, Feinstein & Palmer 1983; Benedetti,
/// Ventura, Marinari, Ruocco & Zamponi 2022; docs/science.md §3). One dream:
///
/// 1. noise input: a uniformly random ±1 state drawn from the `noise` stream;
/// 2. the free asynchronous dynamics of the network run to an exact fixed point
///    s* (the scheduler stops at quiescence);
/// 3. every synapse of the recurrent projection applies the local anti-Hebbian
///    rule ("anti-hebbian" in model files): `J_ij ← J_ij − (ε/N) s*_i s*_j`, i ≠ j.
///
/// The noise input costs (#changed units) × N, the relaxation (#flips) × N and
/// the update one rank-1 pass (`learnRank1`) whose field change is O(N). `dream()`
/// runs on the engine; `run` uses the fast path (`DreamBatch`) when the network allows it.
public final class HebbianUnlearning {
    public let network: BinaryNetwork
    /// The recurrent projection that dreams.
    public let projection: Int
    public let population: Int
    public let epsilon: Double
    /// The anti-Hebbian rule, applied at each dream's fixed point.
    public let rule: AnyPlasticityRule
    /// Event budget of one relaxation.
    public var maxEventsPerDream: Int
    var noise: RandomStream
    /// The noise input of the next dream, drawn when the previous one ended.
    var nextStart: [Double]
    /// Starts drawn after `nextStart` and not yet dreamed from (left by the fast path).
    var laterStarts: [[Double]] = []
    /// Whether `run` dreams on the fast path (`DreamBatch`) when the network allows it
    /// (one population, one dense recurrent projection, random-sequential order; else
    /// every dream runs on the engine). With `lazyRank` 1 and double couplings it is the
    /// engine's run bit for bit, records included.
    public var usesFastPath = true
    /// Dreams whose anti-Hebbian steps the fast path applies in one pass (1...16): 1 is
    /// bit-identical to the engine; more reads J once per `lazyRank` dreams, with fields
    /// corrected exactly up to one rounding (docs/science.md §3).
    public var lazyRank = 1 {
        didSet { precondition((1...16).contains(lazyRank), "lazyRank must be in 1...16") }
    }
    /// How the fast path holds J (`.float` and `.integer` with `lazyRank` 1): `.float` moves
    /// half the bytes, J rounded after every step; `.integer` keeps J = (ε/N) K exactly in
    /// 32-bit integers when the couplings allow it (else the run stays in double; see
    /// `integerCouplingsUsed`). Neither is the engine's bits: the D_in statistics are
    /// compared in docs/science.md §3.
    public var arithmetic = DreamArithmetic.double
    /// Whether `run` dreams in double when `arithmetic` is `.integer` and the couplings do
    /// not allow it (true), or throws `IntegerCouplingsError` before the first dream (false).
    public var integerFallback = true
    /// Whether integer couplings are held in 16 bits while |K| < 2¹⁵ − 2¹⁰ (widened to 32
    /// bits when it gets there; the same dynamics bit for bit), or in 32 bits throughout.
    public var shortIntegers = true
    /// Whether the last `run` dreamed on integer couplings.
    public private(set) var integerCouplingsUsed = false
    /// Whether those were in 16 bits at the end of the run.
    public private(set) var shortIntegersUsed = false
    /// Dreams done so far.
    public private(set) var dreams = 0
    /// Simulated time after the last relaxation (dreams run on the network's clock).
    public var now: SimTime { network.now }
    /// Flips in dream relaxations so far.
    public private(set) var dreamFlips = 0

    /// - Parameters:
    ///   - projection: a recurrent projection (pre and post population equal).
    ///   - noise: the stream the random starts are drawn from.
    ///   - start: simulated time of the first dream (relaxations advance the network's clock).
    public init(network: BinaryNetwork, projection: Int, epsilon: Double, noise: RandomStream, start: SimTime = .zero) {
        let proj = network.projections[projection]
        precondition(proj.pre == proj.post, "dreaming needs a recurrent projection")
        network.scheduler.resume(at: start)
        self.network = network
        self.projection = projection
        population = proj.post
        self.epsilon = epsilon
        let n = network.populations[population].size
        rule = AnyPlasticityRule("anti-hebbian", HebbianRule(scale: -epsilon / Double(n), trigger: .fixedPoint))
        maxEventsPerDream = 1000 * n
        var noise = noise
        nextStart = Self.draw(n, &noise)
        self.noise = noise
    }

    /// A random ±1 start of n units.
    static func draw(_ n: Int, _ noise: inout RandomStream) -> [Double] {
        var s = [Double](repeating: 0, count: n)
        draw(into: &s, at: 0, count: n, &noise)
        return s
    }

    /// A random ±1 start written into s[offset..<offset + n].
    static func draw(into s: inout [Double], at offset: Int, count n: Int, _ noise: inout RandomStream) {
        for i in offset..<(offset + n) { s[i] = noise.nextSpin() }
    }

    /// One dream; returns s*, the fixed point that was unlearned.
    ///
    /// The anti-Hebbian pass of a dream also imposes the next dream's noise input
    /// (`learnHebbian(_:projection:thenImpose:)`), so a dream normally finds its
    /// start in place; if anything changed the state since, it is set again.
    @discardableResult
    public func dream() throws -> [Double] {
        let ids = network.populations[population].ids
        if !network.states(of: population).elementsEqual(nextStart) || !network.isFree(population) {
            network.setState(nextStart, population: population)
        }
        dreamFlips += try network.relaxToFixedPoint(maxEvents: maxEventsPerDream)
        let fixedPoint = Array(network.state[ids])
        nextStart = laterStarts.isEmpty ? Self.draw(ids.count, &noise) : laterStarts.removeFirst()
        if case .rank1(let scale)? = rule.fastKernel,
           network.learnRank1(scale: scale, projection: projection, thenImpose: nextStart) {
        } else {
            network.learn(projection: projection, rule: rule)
        }
        dreams += 1
        return fixedPoint
    }

    /// The couplings being unlearned.
    public var couplings: Connectivity { network.projections[projection].synapses }

    /// Dreams following `schedule`, measuring how `patterns` sit in the network;
    /// `onRecord` sees every record as it is taken. Basin measurements use `probe`.
    public func run(_ schedule: UnlearningSchedule, patterns: PatternSet, probe: inout RandomStream,
                    onRecord: (UnlearningRecord) -> Void = { _ in }) throws -> UnlearningSummary {
        let n = Double(network.populations[population].size)
        // K, derived once: the weights do not change before the first dream.
        let integers = arithmetic == .integer && usesFastPath
            ? DreamBatch.integerCouplings(network, projection: projection, epsilon: epsilon, dreams: schedule.maxDreams - dreams)
            : nil
        if arithmetic == .integer && integers == nil && !integerFallback { throw IntegerCouplingsError() }
        var records: [UnlearningRecord] = []
        var dIn: Int?, dFin: Int?
        var flipsAtRecord = dreamFlips, dreamsAtRecord = dreams
        func record() throws {
            let s = StabilityMeasures(couplings: couplings, patterns: patterns)
            let basins = schedule.basinOverlaps.isEmpty ? [] : try BasinMeasure(
                network: network, population: population, patterns: patterns, initialOverlaps: schedule.basinOverlaps,
                retrievalThreshold: schedule.retrievalThreshold, maxEvents: maxEventsPerDream, onClock: false, rng: &probe).points
            let done = dreams - dreamsAtRecord
            let r = UnlearningRecord(
                dreams: dreams, scaledDreams: Double(dreams) * epsilon / n, fractionStable: s.fractionStable,
                minimumStability: s.minimum, meanStability: s.mean, stabilityQuantiles: s.quantiles([0.05, 0.5, 0.95]),
                flipsPerDream: done > 0 ? Double(dreamFlips - flipsAtRecord) / Double(done) : 0, basins: basins)
            flipsAtRecord = dreamFlips; dreamsAtRecord = dreams
            records.append(r)
            onRecord(r)
            if r.fractionStable == 1 && dIn == nil { dIn = dreams }
        }
        try record()
        var batch: DreamBatch?
        if usesFastPath && DreamBatch.eligible(network, projection: projection) {
            if !network.states(of: population).elementsEqual(nextStart) { network.setState(nextStart, population: population) }
            precondition(arithmetic == .double || lazyRank == 1, "float and integer couplings need lazyRank 1")
            let kind = arithmetic == .integer && integers == nil ? .double : arithmetic
            integerCouplingsUsed = kind == .integer
            batch = DreamBatch(network: network, projection: projection, epsilon: epsilon, capacity: lazyRank,
                               starts: [nextStart] + laterStarts, arithmetic: kind, integerCouplings: integers,
                               shortCeiling: shortIntegers ? Int(Int16.max) : 0)
        }
        // Writes the fast path's pending updates: the network then holds J and the next start as the engine leaves them.
        func settle() {
            guard var b = batch, b.pending > 0 else { return }
            batch = nil  // unique storage while it flushes
            b.settle(noise: &noise)
            let rest = b.remainingStarts
            (nextStart, laterStarts) = (rest[0], Array(rest.dropFirst()))
            batch = b
        }
        while dreams < schedule.maxDreams && !(schedule.stopAtAllStable && dIn != nil) {
            if batch != nil {
                dreamFlips += try batch!.dream(maxEvents: maxEventsPerDream, noise: &noise)
                dreams += 1
            } else {
                try dream()
            }
            if schedule.measureEvery > 0 && dreams % schedule.measureEvery == 0 {
                settle()
                network.recomputeFields()  // bounds the rounding drift of the incremental fields
                try record()
            } else if dIn == nil && schedule.checkEvery > 0 && dreams % schedule.checkEvery == 0 {
                settle()
                if StabilityMeasures.allFixedPoints(couplings: couplings, patterns: patterns) { dIn = dreams }
            }
        }
        settle()
        shortIntegersUsed = batch?.usesShortIntegers ?? false
        if records.last?.dreams != dreams { try record() }
        let stable = records.filter { $0.fractionStable == 1 }
        // Best retrieval: the widest basins, ties (saturated basins) broken by the largest Δ_min.
        let basinScore = { (r: UnlearningRecord) in r.basins.map(\.meanFinalOverlap).reduce(0, +) }
        let top = stable.max { a, b in
            (basinScore(a), a.minimumStability, -a.dreams) < (basinScore(b), b.minimumStability, -b.dreams)
        }
        // Memories destroyed: the first record after the last one with every pattern stable.
        let lastStable = records.lastIndex { $0.fractionStable == 1 }
        if let lastStable, lastStable + 1 < records.count { dFin = records[lastStable + 1].dreams }
        return UnlearningSummary(records: records, dreams: dreams, dIn: dIn, dTop: top?.dreams, dFin: dFin)
    }
}

/// Integer couplings were asked for and the couplings are not integer multiples of ε/N
/// (or could overflow 32-bit fields within the run); see `DreamBatch.integerCouplings`.
public struct IntegerCouplingsError: Error {}
