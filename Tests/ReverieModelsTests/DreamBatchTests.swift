import XCTest
import CReverieSIMD
import ReverieKernel
@testable import ReverieModels

/// The dream loop's fast path (`DreamBatch`) against the engine's dreams.
final class DreamBatchTests: XCTestCase {
    struct Outcome {
        var summary: UnlearningSummary
        var weights: [UInt64], state: [Double], field: [UInt64]
        var now: SimTime, counters: RunCounters, dreamFlips: Int
        /// What a listening sink received (empty without one).
        var records: [TraceRecord] = []
    }

    /// A Hebbian network of `n` units and `patterns` patterns dreaming on the engine
    /// (`fast: false`) or on the fast path with `lazyRank`; measurements with basins
    /// every 90 dreams, checks every 25.
    func dream(n: Int, patterns count: Int, dreams: Int, fast: Bool, lazyRank: Int = 1, skipSelf: Bool = true,
               epsilon: Double = 0.01, seed: UInt64 = 3, arithmetic: DreamArithmetic = .double,
               schedule: UnlearningSchedule? = nil, listening: Bool = false) throws -> Outcome {
        var rng = RandomStream(seed: seed, stream: 1)
        let patterns = PatternSet.random(count: count, size: n, rng: &rng)
        let hub = SinkHub(batchSize: 100)
        let memory = MemorySink()
        if listening { hub.add(memory) }
        let net = BinaryNetwork(populations: [("memory", n)], dynamics: BinaryDynamics(), rng: RandomStream(seed: seed, stream: 2),
                                sinks: hub, firstID: 7)
        net.reportsAssignments = listening
        var w = patterns.hebbianCouplings()
        // With self-synapses, J_ii = P/N (the Hebbian sum over μ including i = j) keeps them
        // positive: one driven negative by dreams lets its unit oscillate.
        if !skipSelf { for i in 0..<n { w[pre: i, post: i] = Double(count) / Double(n) } }
        net.connect("recurrent", from: 0, to: 0, synapses: .dense(w), skipSelf: skipSelf)
        let u = HebbianUnlearning(network: net, projection: 0, epsilon: epsilon, noise: RandomStream(seed: seed, stream: 3),
                                  start: SimTime(2.5))
        u.usesFastPath = fast
        u.lazyRank = lazyRank
        u.arithmetic = arithmetic
        var probe = RandomStream(seed: seed, stream: 4)
        let schedule = schedule ?? UnlearningSchedule(maxDreams: dreams, measureEvery: 90, checkEvery: 25, basinOverlaps: [0.6])
        let summary = try u.run(schedule, patterns: patterns, probe: &probe)
        guard case .dense(let w) = u.couplings else { throw XCTSkip("dense couplings expected") }
        try hub.end()
        return Outcome(summary: summary, weights: w.weights.map(\.bitPattern), state: net.state, field: net.field.map(\.bitPattern),
                       now: net.now, counters: net.counters, dreamFlips: u.dreamFlips, records: memory.records)
    }

    func assertIdentical(_ a: Outcome, _ b: Outcome, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.summary, b.summary, "records", file: file, line: line)
        XCTAssertEqual(a.weights, b.weights, "couplings", file: file, line: line)
        XCTAssertEqual(a.state, b.state, "state", file: file, line: line)
        XCTAssertEqual(a.field, b.field, "fields", file: file, line: line)
        XCTAssertEqual(a.now, b.now, "clock", file: file, line: line)
        XCTAssertEqual(a.counters, b.counters, "counters", file: file, line: line)
        XCTAssertEqual(a.dreamFlips, b.dreamFlips, "flips", file: file, line: line)
        XCTAssertEqual(a.records, b.records, "records a sink received", file: file, line: line)
    }

    /// With one dream per pass the fast path is the engine bit for bit: couplings,
    /// states, fields, clock, counters and records (sizes not multiples of 4, odd, and over
    /// the kernel's 128-column blocks; with and without the diagonal), with the AVX2 loops and with the baseline loops.
    func testOneDreamPerPassIsTheEngineBitForBit() throws {
        defer { rv_force_baseline(0) }
        for (n, p, skip, d) in [(64, 12, true, 300), (101, 20, true, 300), (37, 8, false, 200), (263, 50, true, 120)] {
            let engine = try dream(n: n, patterns: p, dreams: d, fast: false, skipSelf: skip)
            XCTAssertGreaterThan(engine.dreamFlips, d)
            for baseline: Int32 in [0, 1] {
                rv_force_baseline(baseline)
                assertIdentical(engine, try dream(n: n, patterns: p, dreams: d, fast: true, skipSelf: skip))
            }
            rv_force_baseline(0)
        }
    }

    /// With a sink listening (and assignments reported, as model runs do), the fast
    /// path sends the engine's records: every assignment and flip with its tick time,
    /// in the engine's order.
    func testListeningSinksGetTheEngineRecords() throws {
        let engine = try dream(n: 45, patterns: 9, dreams: 60, fast: false, listening: true)
        XCTAssertGreaterThan(engine.records.count, engine.dreamFlips)
        assertIdentical(engine, try dream(n: 45, patterns: 9, dreams: 60, fast: true, listening: true))
    }

    /// Eight dreams per pass: the fixed points, and with them every record and the
    /// couplings, are the engine's for these seeds; the fields at the end are those of
    /// the couplings to within 1e-12. (Not for every seed: Hebbian fields are often
    /// exactly 0 in exact arithmetic, and their sign in floating point is the rounding's,
    /// which differs between the engine's running sums and the corrected fields. At
    /// N = 263 the trajectories part within 90 dreams; the fields stay within rounding of
    /// the exact ones, `testCorrectedFieldsEqualTheWrittenCouplingsFields`.)
    func testEightDreamsPerPassFindTheSameFixedPoints() throws {
        for (n, p, skip, d) in [(64, 12, true, 300), (101, 20, true, 300), (37, 8, false, 200)] {
            let engine = try dream(n: n, patterns: p, dreams: d, fast: false, skipSelf: skip)
            let lazy = try dream(n: n, patterns: p, dreams: d, fast: true, lazyRank: 8, skipSelf: skip)
            XCTAssertEqual(lazy.summary, engine.summary)
            XCTAssertEqual(lazy.weights, engine.weights, "same fixed points, same additions in the same order")
            XCTAssertEqual(lazy.state, engine.state)
            XCTAssertEqual(lazy.now, engine.now)
            XCTAssertEqual(lazy.counters, engine.counters)
            for (a, b) in zip(lazy.field, engine.field) {
                XCTAssertEqual(Double(bitPattern: a), Double(bitPattern: b), accuracy: 1e-12)
            }
        }
    }

    /// The corrected fields in the middle of a pass: after every fast dream the field
    /// the kernel sees for each unit equals the field of J with the pending steps
    /// written, computed afresh, to within 1e-12.
    func testCorrectedFieldsEqualTheWrittenCouplingsFields() throws {
        for (n, k) in [(57, 6), (263, 6), (200, 8), (200, 16), (203, 4)] { try correctedFields(n: n, capacity: k) }
    }

    func correctedFields(n: Int, capacity: Int) throws {
        var rng = RandomStream(seed: 9, stream: 1)
        let patterns = PatternSet.random(count: 10, size: n, rng: &rng)
        let net = BinaryNetwork(populations: [("memory", n)], dynamics: BinaryDynamics(), rng: RandomStream(seed: 9, stream: 2))
        net.connect("recurrent", from: 0, to: 0, synapses: .dense(patterns.hebbianCouplings()), skipSelf: true)
        var noise = RandomStream(seed: 9, stream: 3)
        let first = HebbianUnlearning.draw(n, &noise)
        net.setState(first, population: 0)
        var batch = DreamBatch(network: net, projection: 0, epsilon: 0.05, capacity: capacity, starts: [first])
        guard case .dense(let initial) = net.projections[0].synapses else { return XCTFail("dense") }
        var reference = initial.weights  // J with every fixed point written at once
        for d in 0..<(3 * capacity + 2) {
            if d == capacity + 3 { batch.flush(noise: &noise) }  // a pass with fewer steps than starts, as at a check
            _ = try batch.dream(maxEvents: 100 * n, noise: &noise)
            let s = net.state
            for j in 0..<n { for i in 0..<n where i != j { reference[j * n + i] += -0.05 / Double(n) * s[i] * s[j] } }
            XCTAssertTrue(batch.pending >= 1)
            // s is a fixed point of J with every step before it written.
            let h = decisionFields(batch, net)
            var exact = [Double](repeating: 0, count: n)
            var previous = reference
            for j in 0..<n { for i in 0..<n where i != j { previous[j * n + i] -= -0.05 / Double(n) * s[i] * s[j] } }
            for j in 0..<n { for i in 0..<n { exact[i] += previous[j * n + i] * s[j] } }
            for i in 0..<n {
                XCTAssertEqual(h[i], exact[i], accuracy: 1e-12)
                XCTAssertGreaterThanOrEqual(s[i] * exact[i], -1e-12, "unit \(i) is stable at the fixed point")
            }
        }
        // The pass that writes them: J, and the field of the next start, as computed afresh.
        batch.flush(noise: &noise)
        guard case .dense(let written) = net.projections[0].synapses else { return XCTFail("dense") }
        for (x, y) in zip(written.weights, reference) { XCTAssertEqual(x, y, accuracy: 1e-12) }
        var h = [Double](repeating: 0, count: n)
        for j in 0..<n { for i in 0..<n { h[i] += reference[j * n + i] * net.state[j] } }
        for i in 0..<n { XCTAssertEqual(net.field[i], h[i], accuracy: 1e-12) }
    }

    /// h_i = g_i + scale (Σ_l s*^l_i q_l − p s_i) over the steps pending before the last
    /// dream's, with the overlaps the kernel kept through the relaxation.
    func decisionFields(_ b: DreamBatch, _ net: BinaryNetwork) -> [Double] {
        let p = b.pending - 1
        return (0..<b.n).map { i in
            var k = 0
            for l in 0..<p { k += Int(b.packed[i * b.capacity + l]) * b.q[l] }
            if b.skipSelf { k -= p * Int(net.state[i]) }
            return net.field[i] + b.scale * Double(k)
        }
    }

    /// Float couplings: the AVX2 and baseline loops give the same bits; every weight
    /// stays a float; J is the float step's definition applied to the fixed points, and
    /// each fixed point is one of the float couplings. (D_in against the double runs:
    /// docs/science.md §3, from `reverie-bench unlearning --float32`.)
    func testFloatCouplingsFollowTheFloatStep() throws {
        defer { rv_force_baseline(0) }
        for (n, p, skip) in [(101, 30, true), (37, 8, false)] {
            let vector = try dream(n: n, patterns: p, dreams: 150, fast: true, skipSelf: skip, arithmetic: .float)
            rv_force_baseline(1)
            assertIdentical(vector, try dream(n: n, patterns: p, dreams: 150, fast: true, skipSelf: skip, arithmetic: .float))
            rv_force_baseline(0)
            for w in vector.weights { XCTAssertEqual(Double(bitPattern: w), Double(Float(Double(bitPattern: w)))) }
        }
        // The float step's definition, from the fixed points the batch returns: J32 += (float)(−ε/N s*_i) · s*_j, the
        // diagonal kept; every fixed point is one of the float couplings (fields in double).
        let n = 90, epsilon = 0.02
        var rng = RandomStream(seed: 4, stream: 1)
        let patterns = PatternSet.random(count: 27, size: n, rng: &rng)
        let net = BinaryNetwork(populations: [("memory", n)], dynamics: BinaryDynamics(), rng: RandomStream(seed: 4, stream: 2))
        net.connect("recurrent", from: 0, to: 0, synapses: .dense(patterns.hebbianCouplings()), skipSelf: true)
        var noise = RandomStream(seed: 4, stream: 3)
        let first = HebbianUnlearning.draw(n, &noise)
        net.setState(first, population: 0)
        guard case .dense(let initial) = net.projections[0].synapses else { return XCTFail("dense") }
        var reference = initial.weights.map { Float($0) }
        var batch = DreamBatch(network: net, projection: 0, epsilon: epsilon, capacity: 1, starts: [first], arithmetic: .float)
        for _ in 0..<200 {
            _ = try batch.dream(maxEvents: 100 * n, noise: &noise)
            let s = net.state
            for i in 0..<n {
                var h = 0.0
                for j in 0..<n { h += Double(reference[j * n + i]) * s[j] }
                XCTAssertGreaterThanOrEqual(s[i] * h, -1e-12, "unit \(i) is stable at the fixed point")
            }
            for j in 0..<n {
                for i in 0..<n where i != j { reference[j * n + i] = reference[j * n + i] + Float(-epsilon / Double(n) * s[i]) * Float(s[j]) }
            }
        }
        batch.settle(noise: &noise)
        guard case .dense(let written) = net.projections[0].synapses else { return XCTFail("dense") }
        XCTAssertEqual(written.weights, reference.map { Double($0) })
    }

    /// Integer couplings: the exact dynamics. A reference in Int arithmetic with the same
    /// draws (starts from the noise stream, a permutation from the network's stream per
    /// sweep) visits every position of every sweep; the batch (which jumps between
    /// unstable units) must flip the same units, reach the same fixed points and write
    /// J = (ε/N) K with the same K, with the AVX2 and the baseline loops, with K in 16
    /// bits, in 32, and in 16 bits widened to 32 during the run (one pattern and ε = 1: the
    /// first dream unlearns it, K = 0, and the random starts that follow are fixed points
    /// whose steps make every entry a random walk, soon above a ceiling set just above 1).
    func testIntegerCouplingsFollowTheExactDynamics() throws {
        defer { rv_force_baseline(0) }
        enum Width { case short, wide, widened }
        for (n, p, skip, baseline, width) in [(130, 60, true, false, Width.short), (130, 60, true, true, .short), (101, 30, true, false, .short),
                                              (37, 8, false, true, .short), (130, 60, true, false, .wide), (101, 1, true, false, .widened),
                                              (101, 1, true, true, .widened)] {
            rv_force_baseline(baseline ? 1 : 0)
            let units = width == .widened ? 1 : 100, epsilon = 1 / Double(units)
            var rng = RandomStream(seed: 5, stream: 1)
            let patterns = PatternSet.random(count: p, size: n, rng: &rng)
            var w = patterns.hebbianCouplings()
            if !skip { for i in 0..<n { w[pre: i, post: i] = Double(p) / Double(n) } }
            let net = BinaryNetwork(populations: [("memory", n)], dynamics: BinaryDynamics(), rng: RandomStream(seed: 5, stream: 2))
            net.connect("recurrent", from: 0, to: 0, synapses: .dense(w), skipSelf: skip)
            var noise = RandomStream(seed: 5, stream: 3)
            let first = HebbianUnlearning.draw(n, &noise)
            net.setState(first, population: 0)
            // The reference: K = (1/ε) Σ_μ ξξᵀ, kept in Int.
            var k = [Int](repeating: 0, count: n * n)
            for mu in 0..<p {
                for j in 0..<n { for i in 0..<n where i != j || !skip {
                    k[j * n + i] += Int(patterns.values[mu * n + i] * patterns.values[mu * n + j]) * units
                } }
            }
            if !skip { for i in 0..<n { k[i * n + i] = p * units } }
            var refNoise = noise, shuffles = RandomStream(seed: 5, stream: 2)
            let largest = k.map(abs).max()!
            let ceiling = switch width { case .short: Int(Int16.max); case .wide: 0; case .widened: largest * 32 / 31 + 2 }
            var batch = DreamBatch(network: net, projection: 0, epsilon: epsilon, capacity: 1, starts: [first], arithmetic: .integer,
                                   shortCeiling: ceiling)
            XCTAssertEqual(batch.usesShortIntegers, width != .wide)
            var s = first.map { Int($0) }, refFlips = 0, flips = 0
            for dream in 0..<120 {
                if dream > 0 { s = (0..<n).map { _ in Int(refNoise.nextSpin()) } }
                var g = (0..<n).map { i in (0..<n).reduce(0) { $0 + k[$1 * n + i] * s[$1] } }
                var order = Array(0..<n)
                while (0..<n).contains(where: { s[$0] * g[$0] < 0 }) {
                    shuffles.shuffle(&order)
                    for i in order where s[i] * g[i] < 0 {
                        s[i] = -s[i]
                        for j in 0..<n { g[j] += 2 * s[i] * k[i * n + j] }
                        refFlips += 1
                    }
                }
                for j in 0..<n { for i in 0..<n where i != j || !skip { k[j * n + i] -= s[i] * s[j] } }
                flips += try batch.dream(maxEvents: 100 * n, noise: &noise)
                XCTAssertEqual(net.state.map { Int($0) }, s, "fixed point of dream \(dream), n = \(n)")
                XCTAssertEqual(flips, refFlips, "flips up to dream \(dream), n = \(n)")
                if net.state.map({ Int($0) }) != s { break }
            }
            batch.settle(noise: &noise)
            XCTAssertEqual(batch.usesShortIntegers, width == .short, "n = \(n), \(width)")
            guard case .dense(let written) = net.projections[0].synapses else { return XCTFail("dense") }
            XCTAssertEqual(written.weights, k.map { Double($0) * (epsilon / Double(n)) }, "J = (ε/N) K, n = \(n)")
            XCTAssertEqual(net.field, (0..<n).map { i in
                Double((0..<n).reduce(0) { $0 + k[$1 * n + i] * Int(net.state[$1]) }) * (epsilon / Double(n)) }, "the start's fields")
        }
    }

    /// Integer couplings are used only when J is an integer multiple of ε/N: with 1/ε
    /// not an integer the run stays in double and is the double run bit for bit; with it,
    /// the integer run reaches D_in like the double one (within seed noise).
    func testIntegerCouplingsOnlyWhereExact() throws {
        let double = try dream(n: 64, patterns: 13, dreams: 400, fast: true, epsilon: 0.03)
        let refused = try dream(n: 64, patterns: 13, dreams: 400, fast: true, epsilon: 0.03, arithmetic: .integer)
        assertIdentical(double, refused)
        let exact = try dream(n: 64, patterns: 13, dreams: 400, fast: true, epsilon: 0.02, arithmetic: .integer)
        let c = 0.02 / 64
        // Every weight is c K exactly (one rounding), which the double run's sums are not.
        XCTAssertTrue(exact.weights.allSatisfy { Double(bitPattern: $0) == (Double(bitPattern: $0) / c).rounded() * c })
        let roundedDouble = try dream(n: 64, patterns: 13, dreams: 400, fast: true, epsilon: 0.02)
        XCTAssertFalse(roundedDouble.weights.allSatisfy { Double(bitPattern: $0) == (Double(bitPattern: $0) / c).rounded() * c })
    }
}
