import XCTest
import ReverieKernel
@testable import ReverieModels


final class PredictiveCodingTrainingTests: XCTestCase {
    /// The prototype (N = 12, 4 patterns, τ = 0.05, γ = 0.2, dt = 1 ms, 1 s per
    /// sample, 10 epochs): every pattern is retrieved from copies with two flipped
    /// bits, training and recalling with either integrator (and with the
    /// event-driven trainer learning in 10 ms steps).
    func testPrototypeRetrievesEveryPatternFromTwoFlippedBits() {
        for (integrator, learnStep) in [(PCIntegrator.eventDriven, nil), (.eventDriven, 0.01), (.euler, nil)] {
            var o = PCOptions()
            o.integrator = integrator
            o.learnStep = learnStep
            XCTAssertEqual(o.tau, 0.05); XCTAssertEqual(o.gamma, 0.2); XCTAssertEqual(o.dt, 0.001)
            XCTAssertEqual(o.holdTime, 1); XCTAssertEqual(o.epochs, 10)
            let net = PCNetwork(size: 12, options: o)
            let patterns = PCPrototype.patterns
            XCTAssertGreaterThanOrEqual(PCPrototype.minimumDistance, 5)
            net.train(patterns)
            for mu in 0..<patterns.count {
                for seed: UInt64 in 1...3 {
                    let start = PCPrototype.corrupted(mu, seed: seed)
                    XCTAssertEqual(zip(start, patterns[mu]).filter { $0 != $1 }.count, 2)
                    net.recall(from: start)
                    XCTAssertEqual(net.hammingDistance(to: patterns[mu]), 0, "\(integrator) \(learnStep ?? o.dt): pattern \(mu), seed \(seed)")
                }
            }
        }
    }

    /// Untrained (M = 0, b = 0), the values only decay: the corrupted copies are
    /// not corrected, so the test above does not pass by construction.
    func testUntrainedNetworkDoesNotCorrect() {
        for mu in 0..<PCPrototype.patterns.count {
            let net = PCNetwork(size: 12)
            net.recall(from: PCPrototype.corrupted(mu, seed: 1))
            XCTAssertGreaterThan(net.hammingDistance(to: PCPrototype.patterns[mu]), 0)
            XCTAssertLessThan(net.value.map(abs).max()!, 10 * exp(-4), "v decays like e^{-t/τ}, slower through the error lag")
        }
    }

    /// One Euler learning step is ΔM = −(dt/γ) σ(v) eᵀ, Δb = (dt/γ) e, computed
    /// by a rule that sees only (σ(v_pre), e_post); the diagonal learns only when asked.
    func testLearningStepIsTheLocalPredictiveCodingRule() {
        let rule = PCLearningRule(rate: 0.5)
        XCTAssertEqual(rule.delta(weight: 3, pre: LocalSignal(activity: 0.8, aux: 7), post: LocalSignal(activity: -2, aux: 0.1)),
                       -0.5 * 0.8 * 0.1)
        for learnDiagonal in [false, true] {
            var o = PCOptions()
            o.integrator = .euler
            o.learnDiagonal = learnDiagonal
            let net = PCNetwork(size: 3, options: o)
            let v = [0.3, -1.2, 2.0], e = [0.5, -0.25, 1.5]
            net.setState(value: v, error: e, clamped: [true, true, true])
            var euler = PCEulerIntegrator(network: net)
            euler.step(net, learning: true)
            let rate = o.dt / o.gamma
            for k in 0..<3 {
                for j in 0..<3 {
                    let expected = (k == j && !learnDiagonal) ? 0 : -rate * tanh(v[k]) * e[j]
                    XCTAssertEqual(net.weights[pre: k, post: j], expected, accuracy: 1e-15)
                }
                XCTAssertEqual(net.bias[k], rate * e[k], accuracy: 1e-15)
            }
            XCTAssertEqual(net.value, v, "clamped values do not move")
        }
    }

    /// Beyond dt = γ/(N + 1) explicit Euler training diverges, while the
    /// event-driven trainer (errors relax exactly toward the updated target) still
    /// learns the patterns: here γ = 0.01, N = 12, dt = 1 ms, a gain of 1.3.
    func testEulerTrainingDivergesBeyondItsStepLimitWhereEventDrivenLearns() {
        var o = PCOptions()
        o.gamma = 0.01
        o.epochs = 3
        XCTAssertLessThan(o.maximumStableEulerStep(size: 12), o.dt)
        for integrator in PCIntegrator.allCases {
            o.integrator = integrator
            let net = PCNetwork(size: 12, options: o)
            net.train(PCPrototype.patterns)
            let largest = net.weights.weights.map(abs).max()!
            if integrator == .euler {
                XCTAssertFalse(largest < 1e6, "Euler weights blow up (largest \(largest))")
            } else {
                XCTAssertLessThan(largest, 100)
                for mu in 0..<PCPrototype.patterns.count {
                    net.recall(from: PCPrototype.corrupted(mu, seed: 1))
                    XCTAssertEqual(net.hammingDistance(to: PCPrototype.patterns[mu]), 0)
                }
            }
        }
    }

    /// Without diagonal learning, training leaves M_ii = 0 with both integrators.
    func testTrainingKeepsTheDiagonalAtZero() {
        let m = PCPrototype.trained.weights
        for i in 0..<12 { XCTAssertEqual(m[pre: i, post: i], 0) }
        XCTAssertGreaterThan(m.weights.map(abs).max()!, 1)
    }

    /// Error-unit activity and weights reach the sinks: `.state` records with the
    /// value and error units' own ids, N² `.weight` records after each presentation.
    func testStreamsReachTheSinks() {
        let hub = SinkHub()
        let collector = MemorySink()
        hub.add(collector)
        var o = PCOptions()
        o.epochs = 1
        o.holdTime = 0.1
        let net = PCNetwork(size: 12, options: o, sinks: hub, firstID: 100)
        net.train(PCPrototype.patterns)
        net.recall(from: PCPrototype.corrupted(0, seed: 1))
        try? hub.end()
        let weights = collector.records.filter { $0.kind == .weight }
        XCTAssertEqual(weights.count, 4 * 144)
        XCTAssertTrue(weights.allSatisfy { (100..<112).contains($0.unit) && (112..<124).contains($0.aux) })
        XCTAssertEqual(weights.last!.value, net.weights[pre: 11, post: 11])
        let states = collector.records.filter { $0.kind == .state }
        XCTAssertTrue(states.contains { (112..<124).contains($0.unit) }, "error units report")
        XCTAssertTrue(states.contains { (100..<112).contains($0.unit) }, "value units report")
        XCTAssertTrue(zip(states, states.dropFirst()).allSatisfy { $0.time <= $1.time })
    }
}
