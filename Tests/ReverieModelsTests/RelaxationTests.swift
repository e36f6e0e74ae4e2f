import XCTest
import ReverieKernel
import ReverieModels

final class RelaxationTests: XCTestCase {
    /// At quiescence no free unit is unstable, and the fields assembled from
    /// messages equal the fields recomputed from the final states.
    func testFixedPointIsExactForBothOrdersAndWithDelays() {
        var rng = RandomStream(seed: 21)
        let n = 300
        let patterns = PatternSet.random(count: 30, size: n, rng: &rng)
        for (order, delay) in [(UpdateOrder.randomSequential, 0.0), (.poisson, 0.0), (.poisson, 0.37), (.randomSequential, 1.5)] {
            let net = hebbianNetwork(n: n, patterns: patterns, dynamics: BinaryDynamics(order: order), delay: delay)
            var starts = RandomStream(seed: 8)
            for _ in 0..<5 {
                net.randomize(population: 0, rng: &starts)
                XCTAssertEqual(relax(net), .quiescent, "\(order) delay \(delay)")
                let h = freshFields(net)
                for i in 0..<n {
                    XCTAssertEqual(net.field[i], h[i], accuracy: 1e-9)
                    XCTAssertGreaterThanOrEqual(net.state[i] * net.field[i], 0, "unit \(i) unstable at a fixed point (\(order), delay \(delay))")
                }
                XCTAssertEqual(net.unstableCount, 0)
            }
        }
    }

    func testDelayedMessagesArriveAfterTheDelay() {
        // Two units coupled +1 both ways with delay 2: unit 0 flips at its first tick;
        // unit 1 only sees it 2 time units later.
        let net = BinaryNetwork(populations: [("a", 1), ("b", 1)], dynamics: BinaryDynamics(order: .poisson), rng: RandomStream(seed: 4))
        var w = DenseWeights(preCount: 1, postCount: 1, initial: 1)
        net.connect("ab", from: 0, to: 1, synapses: .dense(w), delay: SimTime(2), skipSelf: false)
        w[pre: 0, post: 0] = 1
        net.connect("ba", from: 1, to: 0, synapses: .dense(w), delay: SimTime(2), skipSelf: false)
        net.setState([1], population: 0)
        net.setState([-1], population: 1)  // h0 = -1, h1 = +1: both unstable
        let sinkLog = MemorySink()
        net.sinks.add(sinkLog)
        var s = Scheduler<BinaryNetwork.Message>()
        net.beginRelaxation(at: .zero)
        _ = s.run(net, until: SimTime(100))
        try? net.sinks.flush()
        // A unit that has just flipped is stable until its field changes, which happens
        // only when a message from the other unit arrives, 2 time units after that flip.
        let times0 = sinkLog.records.filter { $0.unit == 0 }.map(\.time.value)
        let arrivals1 = sinkLog.records.filter { $0.unit == 1 }.map { $0.time.value + 2 }
        XCTAssertGreaterThan(times0.count, 2)
        for (a, b) in zip(times0, times0.dropFirst()) {
            XCTAssertTrue(arrivals1.contains { $0 > a && $0 <= b }, "unit 0 flipped at \(b) with no new input since \(a)")
        }
    }

    func testSameSeedSameTrajectoryDifferentSeedDifferent() {
        var rng = RandomStream(seed: 3)
        let patterns = PatternSet.random(count: 20, size: 200, rng: &rng)
        func trajectory(_ seed: UInt64, _ order: UpdateOrder) -> [TraceRecord] {
            let net = hebbianNetwork(n: 200, patterns: patterns, dynamics: BinaryDynamics(order: order), seed: seed)
            let sink = MemorySink()
            net.sinks.add(sink)
            var starts = RandomStream(seed: 99)
            net.randomize(population: 0, rng: &starts)
            relax(net)
            try? net.sinks.flush()
            return sink.records
        }
        for order in UpdateOrder.allCases {
            let a = trajectory(1, order)
            XCTAssertGreaterThan(a.count, 10)
            XCTAssertEqual(a, trajectory(1, order))
            XCTAssertNotEqual(a, trajectory(2, order))
        }
    }

    func testGlauberAtHighTemperatureIsRandomAndAtLowTemperatureRetrieves() {
        var rng = RandomStream(seed: 3)
        let patterns = PatternSet.random(count: 5, size: 400, rng: &rng)
        let cold = hebbianNetwork(n: 400, patterns: patterns, dynamics: BinaryDynamics(temperature: .glauber(beta: 20)))
        cold.setState(patterns[0], population: 0)
        XCTAssertEqual(relax(cold, until: SimTime(20)), .timeLimit)
        XCTAssertGreaterThan(cold.overlap(with: patterns[0], population: 0), 0.95)
        let hot = hebbianNetwork(n: 400, patterns: patterns, dynamics: BinaryDynamics(temperature: .glauber(beta: 0.01), order: .poisson))
        hot.setState(patterns[0], population: 0)
        relax(hot, until: SimTime(20))
        XCTAssertLessThan(abs(hot.overlap(with: patterns[0], population: 0)), 0.2)
    }
}

/// Skipping stable units in sweeps is exact: the same flips at the same times as
/// ticking every unit of a fresh permutation per sweep.
final class SweepSkippingTests: XCTestCase {
    func testSkippingMatchesNaiveRandomSequentialTicks() {
        var rng = RandomStream(seed: 31)
        let n = 24  // small, so that some relaxation ends on the last tick of a sweep
        let patterns = PatternSet.random(count: 3, size: n, rng: &rng)
        let net = hebbianNetwork(n: n, patterns: patterns, seed: 77)
        let sink = MemorySink()
        net.sinks.add(sink)
        // Naive reference: same couplings, same stream, every tick evaluated, a new
        // permutation drawn only when a sweep is needed.
        let J = patterns.hebbianCouplings()
        var clock = RandomStream(seed: 77)
        var expected: [(unit: UInt32, time: Double)] = []
        // Several relaxations in a row: a stray draw at the end of one would change the next.
        for _ in 0..<200 {
            let start = (0..<n).map { _ in rng.nextSpin() }
            net.setState(start, population: 0)
            relax(net)
            var s = start
            var h = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + J[pre: $1, post: i] * s[$1] } }
            var sweep = 0.0
            var order = Array(0..<n)  // each relaxation starts its sweeps from the free units in id order
            while (0..<n).contains(where: { s[$0] * h[$0] < 0 }) {
                order.withUnsafeMutableBufferPointer { clock.shuffle(&$0) }
                for (p, i) in order.enumerated() where s[i] * h[i] < 0 {
                    s[i] = -s[i]
                    for k in 0..<n { h[k] += J[pre: i, post: k] * 2 * s[i] }
                    expected.append((UInt32(i), sweep + Double(p + 1) / Double(n)))
                }
                sweep += 1
            }
            XCTAssertEqual(net.state, s)
        }
        try? net.sinks.flush()
        XCTAssertGreaterThan(expected.count, 200)
        XCTAssertEqual(sink.records.map(\.unit), expected.map(\.unit))
        for (r, e) in zip(sink.records, expected) { XCTAssertEqual(r.time.value.truncatingRemainder(dividingBy: 1), e.time.truncatingRemainder(dividingBy: 1), accuracy: 1e-9) }
    }
}
