import CReverieSIMD
import ReverieKernel

/// The dream loop's fast path (docs/science.md §3, "The dream loop's fast path"):
/// the relaxations without the scheduler, and the anti-Hebbian steps applied
/// `capacity` dreams at a time.
///
/// It runs the engine's relaxation exactly — `SweepClock`'s random-sequential sweeps,
/// the same permutations from the network's stream, the same tick times and counters —
/// on a network nothing else touches while it dreams (`eligible`). The fixed points
/// s*^l of the last p dreams are not yet written into J; the field of unit i is
///
///     h_i = g_i + (−ε/N) (Σ_l s*^l_i q_l − p s_i),   g = J s,   q_l = s*^l · s,
///
/// with g the field of the written weights (kept per flip as the engine keeps h) and
/// q_l integers kept per flip in O(p): the correction is an integer times ε/N, one
/// rounding. Every `capacity` dreams one pass over J writes the p updates — the same
/// additions in the same order as p rank-1 passes, so J is bit-identical for the same
/// fixed points — and computes the fields of the next `capacity` random starts.
///
/// With capacity 1 every dream is the engine's, bit for bit (`DreamBatchTests`). With
/// capacity k > 1, h differs from the engine's running sums by rounding, so a unit
/// whose field lies within rounding of 0 may decide differently; the tests bound the
/// field difference and compare D_in.
struct DreamBatch {
    let network: BinaryNetwork
    let projection: Int
    let n: Int
    let capacity: Int
    /// −ε/N, the anti-Hebbian step per synapse.
    let scale: Double
    let skipSelf: Bool
    let rate: Double
    /// Pending fixed points: u[l·n + i] = scale · s*^l_i, a[l·n + j] = s*^l_j (for the
    /// pass over J) and packed[i·capacity + l] = s*^l_i (for the fields).
    private var u: [Double], a: [Double]
    private(set) var packed: [Int8]
    private(set) var pending = 0
    private(set) var q: [Int]
    /// Random starts drawn from the noise stream, in order, and their fields under the
    /// written weights: starts `head..<queued` are still to come.
    private var starts: [Double], startFields: [Double]
    private(set) var head = 0, queued = 0
    /// Starts below this index have their fields in `startFields`.
    private var withFields = 0
    private var order: [Int]
    /// The positions of a sweep's flips, when sinks listen.
    private var flipped: [Int]
    /// With float couplings, J in float, the truth while the batch runs (written back
    /// into the network's weights by `settle`); empty otherwise.
    private var floats: [Float] = []
    /// With integer couplings, K = J/c (c = ε/N), the truth while the batch runs (written
    /// back by `settle`), with the fields of the next start and the relaxation's state.
    private var integers: IntegerCouplings?
    /// Whether something other than the batch may have moved the network since the last
    /// integer flush (a measurement after `settle`).
    private var integerStateMayHaveMoved = false

    /// Whether the fast path runs this network's dreams exactly as the engine would:
    /// one population, its only projection dense, recurrent, without delay; zero
    /// temperature, random-sequential order; nothing queued, no stimulus, link or
    /// export, every unit free. Sinks get the engine's records: the assignments at
    /// the start of a relaxation and every flip with its tick time, in the same order.
    static func eligible(_ net: BinaryNetwork, projection k: Int) -> Bool {
        guard net.populations.count == 1, net.projections.count == 1, k == 0,
              case .dense = net.projections[0].synapses, net.projections[0].pre == 0, net.projections[0].delay == .zero
        else { return false }
        return net.dynamics.order == .randomSequential && net.dynamics.temperature == .zero
            && net.scheduler.pending == 0 && net.stimuli.isEmpty && net.externalField.isEmpty
            && !net.exported[0] && net.freeCount == net.unitCount
    }

    /// - Parameters:
    ///   - starts: the next random starts already drawn, in order (at least one, at most
    ///     16); the network must hold the first with its assembled field.
    ///   - arithmetic: `.float` (capacity 1): half the bytes a dream moves; J is rounded to
    ///     float once here (the network's weights take the rounded values and the first start's
    ///     field is assembled again) and after every step; fields stay double. `.integer`
    ///     (capacity 1): K = J/c exactly (`integerCouplings`, derived here if not given),
    ///     fields in units of c; K starts in 16 bits when |K| < `shortCeiling` (at most 2¹⁵ − 1;
    ///     0 keeps it in 32 bits).
    init(network: BinaryNetwork, projection: Int, epsilon: Double, capacity: Int, starts first: [[Double]],
         arithmetic: DreamArithmetic = .double, integerCouplings: [Int32]? = nil, shortCeiling: Int = Int(Int16.max)) {
        precondition(Self.eligible(network, projection: projection) && (1...16).contains(capacity)
                     && (1...16).contains(first.count) && network.state.elementsEqual(first[0]))
        self.network = network
        self.projection = projection
        n = network.unitCount
        self.capacity = capacity
        scale = -epsilon / Double(n)
        skipSelf = network.projections[projection].skipSelf
        rate = network.dynamics.rate
        u = Array(repeating: 0, count: capacity * n)
        a = u
        packed = Array(repeating: 0, count: capacity * n)
        q = Array(repeating: 0, count: capacity)
        let slots = max(capacity, first.count)
        starts = Array(repeating: 0, count: slots * n)
        startFields = starts
        for (t, s) in first.enumerated() { starts.replaceSubrange((t * n)..<(t * n + n), with: s) }
        queued = first.count
        order = Array(0..<n)
        flipped = Array(repeating: 0, count: n)
        switch arithmetic {
        case .double: break
        case .integer:
            precondition(capacity == 1, "integer couplings dream one step per pass")
            guard let k = integerCouplings ?? Self.integerCouplings(network, projection: projection, epsilon: epsilon, dreams: 0)
            else { preconditionFailure("couplings that are integer multiples of ε/N") }
            integers = IntegerCouplings(k, n: n, ceiling: shortCeiling)
            integers!.assembleFields(of: first[0])
        case .float:
            precondition(capacity == 1, "float couplings dream one step per pass")
            guard case .dense(var w) = network.projections[projection].synapses else { preconditionFailure("dense projection") }
            floats = w.weights.map { Float($0) }
            for k in w.weights.indices { w.weights[k] = Double(floats[k]) }
            network.setSynapses(.dense(w), projection: projection)  // reassembles the field
        }
        startFields.replaceSubrange(0..<n, with: network.field)
        withFields = 1
    }

    /// K = J/c for the couplings of `projection` when every weight is an integer multiple
    /// of c = ε/N (to 10⁻⁶ of c) and N · (max|K| + dreams) < 2³¹, so that no field can
    /// overflow in `dreams` more steps; nil otherwise.
    static func integerCouplings(_ net: BinaryNetwork, projection: Int, epsilon: Double, dreams: Int) -> [Int32]? {
        guard case .dense(let w) = net.projections[projection].synapses, epsilon > 0 else { return nil }
        let n = net.unitCount, c = epsilon / Double(n)
        var k = [Int32](repeating: 0, count: w.weights.count)
        var largest = 0.0
        for (x, wx) in w.weights.enumerated() {
            let units = (wx / c).rounded()
            guard abs(units) < 1e9, abs(wx / c - units) <= 1e-6 else { return nil }
            largest = max(largest, abs(units))
            k[x] = Int32(units)
        }
        guard Double(n) * (largest + Double(dreams) + 1) < Double(Int32.max) else { return nil }
        return k
    }

    /// Whether K is held in 16 bits.
    var usesShortIntegers: Bool { integers?.isShort ?? false }

    /// Writes the pending steps (`flush`) and, with float or integer couplings, J into the
    /// network's weights (c K for integers, one rounding): the network then holds J as the
    /// engine would.
    mutating func settle(noise: inout RandomStream) {
        if pending > 0 { flush(noise: &noise) }
        if let integers {
            // The network's view of the start, which the integer dreams do not keep up.
            let (net, c) = (network, -scale)
            for k in 0..<n { net.field[k] = Double(integers.fields[k]) * c }
            net.watched.replaceSubrange(0..<n, with: net.state[0..<n])
            net.recountUnstable()
            integerStateMayHaveMoved = true
        }
        guard !floats.isEmpty || integers != nil, case .dense(var w) = network.projections[projection].synapses else { return }
        network.projections[projection].synapses = .dense(DenseWeights(preCount: 0, postCount: 0))
        if floats.isEmpty {
            integers!.scaled(by: -scale, into: &w.weights)
        } else {
            for k in w.weights.indices { w.weights[k] = Double(floats[k]) }
        }
        network.projections[projection].synapses = .dense(w)
    }

    /// The starts drawn but not yet dreamed from, in order.
    var remainingStarts: [[Double]] {
        (head..<queued).map { Array(starts[($0 * n)..<($0 * n + n)]) }
    }

    /// One dream from the next start; returns the flips of its relaxation. Writes the
    /// pending updates first when `capacity` are pending or no start is left.
    mutating func dream(maxEvents: Int, noise: inout RandomStream) throws -> Int {
        if integers != nil { return try integerDream(maxEvents: maxEvents, noise: &noise) }
        if pending == capacity || head == withFields { flush(noise: &noise) }
        let net = network
        let t = head
        head += 1
        // The start and its field under the written weights. The first start after a flush is
        // the network's own, as the flush left it, unless a measurement moved the network since:
        // then it is set as the engine sets it (`setState`, only the changed units sending).
        let start = starts[(t * n)..<(t * n + n)]
        if t == 0 {
            if !net.state.elementsEqual(start) { net.setState(Array(start), population: 0) }
        } else {
            net.state.replaceSubrange(0..<n, with: start)
            net.field.replaceSubrange(0..<n, with: startFields[(t * n)..<(t * n + n)])
        }
        // The overlaps with the pending fixed points.
        for l in 0..<pending {
            var dot = 0
            for j in 0..<n { dot += Int(packed[j * capacity + l]) * Int(net.state[j]) }
            q[l] = dot
        }
        let flips = try relax(maxEvents: maxEvents)
        // s* joins the pending updates.
        let l = pending
        for i in 0..<n {
            let s = net.state[i]
            u[l * n + i] = scale * s
            a[l * n + i] = s
            packed[i * capacity + l] = s > 0 ? 1 : -1
        }
        pending += 1
        net.watched.replaceSubrange(0..<n, with: net.state[0..<n])
        return flips
    }

    /// `dream` on integer couplings (capacity 1): the step of the dream before and the
    /// start's fields in one pass (`integerFlush`), then the relaxation. The network's
    /// fields, watched states and unstable count are brought up to date by `settle` only.
    private mutating func integerDream(maxEvents: Int, noise: inout RandomStream) throws -> Int {
        let net = network
        if pending == 1 {
            integerFlush(noise: &noise)
        } else if integerStateMayHaveMoved {
            let start = starts[0..<n]
            if !net.state.elementsEqual(start) {
                net.setState(Array(start), population: 0)
                integers!.assembleFields(of: start)
            }
        }
        integerStateMayHaveMoved = false
        head = 1
        net.state.withUnsafeBufferPointer { integers!.begin($0.baseAddress!) }
        let flips = try relax(maxEvents: maxEvents)
        pending = 1
        return flips
    }

    /// The step −c s*s*ᵀ with s* the network's state, the next start drawn from `noise`
    /// and its fields, in one pass over K; the network is left at the start. A step changes
    /// every |K_jk| by at most 1: K stays in 16 bits while the bound allows it.
    private mutating func integerFlush(noise: inout RandomStream) {
        let net = network
        HebbianUnlearning.draw(into: &starts, at: 0, count: n, &noise)
        net.state.withUnsafeBufferPointer { a in
            starts.withUnsafeBufferPointer { integers!.step(a.baseAddress!, then: $0.baseAddress!, skipSelf: skipSelf) }
        }
        net.state.replaceSubrange(0..<n, with: starts[0..<n])
        (head, queued, withFields, pending) = (0, 1, 1, 0)
        net.pendingTick = nil
    }

    /// The engine's zero-temperature relaxation (`SweepClock`, `BinaryNetwork.update`):
    /// a fixed point when no unit is unstable (no permutation drawn), else sweeps in a
    /// fresh permutation of the units in id order until a sweep ends with none unstable.
    private mutating func relax(maxEvents: Int) throws -> Int {
        let net = network
        let begin = net.now
        let reports = net.sinks.isActive && !net.silenced
        if reports && net.reportsAssignments { net.reportAssignedStates(at: begin) }
        var sweepStart = begin, lastFlip = begin, flips = 0, updates = 0
        var unstable = unstableCount()
        for i in 0..<n { order[i] = i }
        var first = true
        while unstable > 0 {
            if !first {
                sweepStart = SweepClock.nextSweepStart(after: sweepStart, rate: rate)
                updates += n  // the sweep before ran to its end
            }
            first = false
            net.rng.shuffle(&order)
            var last = -1
            let count = sweep(&last, positions: reports)
            flips += count
            // A sweep that starts with an unstable unit flips the first one it meets.
            lastFlip = SweepClock.tickTime(last, of: n, sweepStart: sweepStart, rate: rate)
            if reports {
                for f in 0..<count {
                    let i = order[flipped[f]]
                    net.sinks.emit(.state(NeuronID(Int(net.firstID) + i), net.state[i],
                                          at: SweepClock.tickTime(flipped[f], of: n, sweepStart: sweepStart, rate: rate)))
                    net.reported[i] = net.state[i]
                }
            }
            guard flips <= maxEvents else { throw RelaxationError(events: maxEvents) }
            unstable = unstableCount()
            if unstable == 0 { updates += last + 1 }
        }
        net.updates += updates
        net.flips += flips
        net.synapticEvents += flips * n
        net.scheduler.account(events: flips, lastAt: lastFlip)
        net.pendingTick = nil
        return flips
    }

    /// One sweep; with `positions`, `flipped` receives the positions of its flips.
    private mutating func sweep(_ last: inout Int, positions: Bool) -> Int {
        let (n, capacity, p, scale, skip) = (n, capacity, pending, scale, Int32(skipSelf ? 1 : 0))
        let net = network
        var buffer: [Int] = []
        swap(&buffer, &flipped)  // held apart while the sweep mutates the rest
        defer { swap(&buffer, &flipped) }
        return buffer.withUnsafeMutableBufferPointer { fb in
            let out = positions ? fb.baseAddress : nil
            if let integers {
                return order.withUnsafeBufferPointer { ob in
                    net.state.withUnsafeMutableBufferPointer { integers.sweep(ob.baseAddress!, $0.baseAddress!, flipped: out, last: &last) }
                }
            }
            if !floats.isEmpty {
                return floats.withUnsafeBufferPointer { wb in
                    order.withUnsafeBufferPointer { ob in
                        net.state.withUnsafeMutableBufferPointer { sb in
                            net.field.withUnsafeMutableBufferPointer { gb in
                                Int(rv_dream_sweep_f32(wb.baseAddress!, Int64(n), ob.baseAddress!, sb.baseAddress!, gb.baseAddress!,
                                                       out, &last))
                            }
                        }
                    }
                }
            }
            return sweepDouble(&last, out, n, capacity, p, scale, skip)
        }
    }

    private mutating func sweepDouble(_ last: inout Int, _ out: UnsafeMutablePointer<Int>?, _ n: Int, _ capacity: Int, _ p: Int,
                             _ scale: Double, _ skip: Int32) -> Int {
        let net = network
        guard case .dense(let w) = net.projections[projection].synapses else { preconditionFailure("dense projection") }
        return w.weights.withUnsafeBufferPointer { wb in
            order.withUnsafeBufferPointer { ob in
                net.state.withUnsafeMutableBufferPointer { sb in
                    net.field.withUnsafeMutableBufferPointer { gb in
                        packed.withUnsafeBufferPointer { pb in
                            q.withUnsafeMutableBufferPointer { qb in
                                Int(rv_dream_sweep(wb.baseAddress!, Int64(n), ob.baseAddress!, 0, sb.baseAddress!, gb.baseAddress!,
                                                   pb.baseAddress!, Int64(capacity), Int64(p), qb.baseAddress!, scale, skip, out, &last))
                            }
                        }
                    }
                }
            }
        }
    }

    private func unstableCount() -> Int {
        let net = network
        if let integers { return Int(integers.unstable) }
        return net.state.withUnsafeBufferPointer { sb in
            net.field.withUnsafeBufferPointer { gb in
                packed.withUnsafeBufferPointer { pb in
                    q.withUnsafeBufferPointer { qb in
                        Int(rv_dream_count_unstable(Int64(n), sb.baseAddress!, gb.baseAddress!, pb.baseAddress!, Int64(capacity),
                                                    Int64(pending), qb.baseAddress!, scale, skipSelf ? 1 : 0))
                    }
                }
            }
        }
    }

    /// Writes the pending updates into J, tops the starts up to `capacity` from
    /// `noise` and computes their fields under the written weights, in one pass; the
    /// network is left at the next start with its exact field.
    mutating func flush(noise: inout RandomStream) {
        if integers != nil { return integerFlush(noise: &noise) }
        let net = network
        let left = queued - head
        if head > 0 {
            starts.replaceSubrange(0..<(left * n), with: Array(starts[(head * n)..<(queued * n)]))
            head = 0
        }
        queued = max(left, capacity)
        for t in left..<queued { HebbianUnlearning.draw(into: &starts, at: t * n, count: n, &noise) }
        let (n, p, m, skip) = (n, pending, queued, Int32(skipSelf ? 1 : 0))
        if !floats.isEmpty {
            precondition(p == 1 && m == 1, "float couplings write one step per pass")
            for k in 0..<n { startFields[k] = 0 }
            rv_rank1_project_f32(&floats, Int64(n), u, a, starts, &startFields, skip)
        } else {
            guard case .dense(var w) = net.projections[projection].synapses else { preconditionFailure("dense projection") }
            net.projections[projection].synapses = .dense(DenseWeights(preCount: 0, postCount: 0))  // unique storage, in-place update
            w.weights.withUnsafeMutableBufferPointer { wb in
                rv_dream_flush(wb.baseAddress!, Int64(n), u, a, Int64(p), starts, Int64(m), &startFields, skip)
            }
            net.projections[projection].synapses = .dense(w)
        }
        pending = 0
        withFields = queued
        net.state.replaceSubrange(0..<n, with: starts[0..<n])
        net.watched.replaceSubrange(0..<n, with: starts[0..<n])
        net.field.replaceSubrange(0..<n, with: startFields[0..<n])
        net.recountUnstable()
        net.pendingTick = nil
    }
}
