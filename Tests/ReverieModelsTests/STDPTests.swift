import Foundation
import ReverieKernel
@testable import ReverieModels
import XCTest

final class STDPTests: XCTestCase {
    let lif = LIFParameters(tauM: 10, eL: -70, vTh: -55, vReset: -70, tRef: 2)

    /// One presynaptic arrival and one postsynaptic spike (forced by a strong
    /// separate input): pre before post potentiates by A₊ e^{−Δt/τ₊}, post before
    /// pre depresses by A₋ e^{−Δt/τ₋}; multiplicative rules scale by the weight.
    func testSinglePairsChangeTheWeightByTheTraceValue() throws {
        let rule = PairSTDP(aPlus: 0.1, aMinus: 0.12, tauPlus: 16.8, tauMinus: 33.7, wMax: 2)
        // (pre arrival, post spike) → expected weight from 0.5
        let cases: [(Double, Double, PairSTDP.WeightDependence, Double)] = [
            (11, 15, .additive, 0.5 + 0.1 * exp(-4 / 16.8)),
            (20, 15, .additive, 0.5 - 0.12 * exp(-5 / 33.7)),
            (11, 15, .multiplicative, 0.5 + 0.1 * (1 - 0.5 / 2) * exp(-4 / 16.8)),
            (20, 15, .multiplicative, 0.5 - 0.12 * (0.5 / 2) * exp(-5 / 33.7)),
        ]
        for (arrival, postSpike, dependence, expected) in cases {
            var r = rule
            r.dependence = dependence
            let pops = spikingPopulations([("pre", .spikeTimes([arrival - 1]), 1), ("kick", .spikeTimes([postSpike - 1]), 1),
                                           ("post", .lif(lif), 1)])
            let plastic = SpikingProjection(name: "pre", pre: 0, post: 2, rows: .oneToOne(count: 1), weight: 0.5, delay: 1,
                                            plasticity: STDPSynapses(rule: r, rows: .oneToOne(count: 1), initialWeight: 0.5))
            let kick = SpikingProjection(name: "kick", pre: 1, post: 2, rows: .oneToOne(count: 1), weight: 30, delay: 1)
            let net = SpikingNetwork(populations: pops, projections: [plastic, kick], rng: RandomStream(seed: 1))
            net.setVoltage(2, -70)
            XCTAssertEqual(try recordSpikes(net, until: 40).filter { $0.unit == 2 }.map(\.time), [postSpike])
            XCTAssertEqual(net.weights(of: 0)![0], expected, accuracy: 1e-12, "\(arrival) \(postSpike) \(dependence)")
        }
    }

    /// Pair STDP on exponential-current synapses (lif-exp): the weight (pA)
    /// changes by A₊ e^{−Δt/τ₊} for pre before post and by −A₋ e^{−Δt/τ₋} for
    /// post before pre, Δt from the exact spike time the current drives.
    func testPairSTDPOnCurrentSynapses() throws {
        let rule = PairSTDP(aPlus: 0.1, aMinus: 0.12, tauPlus: 16.8, tauMinus: 33.7, wMax: 2)
        let exp = LIFExpParameters(tauM: 10, eL: -70, vTh: -55, vReset: -70, tRef: 10, cM: 250, tauSynEx: 2, tauSynIn: 2)
        for preArrival in [11.0, 25.0] {
            let pops = spikingPopulations([("pre", .spikeTimes([preArrival - 1]), 1), ("kick", .spikeTimes([14]), 1), ("post", .lifExp(exp), 1)])
            let plastic = SpikingProjection(name: "pre", pre: 0, post: 2, rows: .oneToOne(count: 1), weight: 0.5, delay: 1,
                                            plasticity: STDPSynapses(rule: rule, rows: .oneToOne(count: 1), initialWeight: 0.5))
            let kick = SpikingProjection(name: "kick", pre: 1, post: 2, rows: .oneToOne(count: 1), weight: 6000, delay: 1)
            let net = SpikingNetwork(populations: pops, projections: [plastic, kick], rng: RandomStream(seed: 1))
            net.setVoltage(2, -70)
            let post = try recordSpikes(net, until: 40).filter { $0.unit == 2 }.map(\.time)
            XCTAssertEqual(post.count, 1)
            let t = post[0]
            XCTAssertTrue(t > 15 && t < 16, "the kick drives the spike shortly after its arrival at 15: \(t)")
            let expected = preArrival < t ? 0.5 + 0.1 * Foundation.exp(-(t - preArrival) / 16.8) : 0.5 - 0.12 * Foundation.exp(-(preArrival - t) / 33.7)
            XCTAssertEqual(net.weights(of: 0)![0], expected, accuracy: 1e-12, "pre at \(preArrival), post at \(t)")
        }
    }

    /// A unit that crosses threshold on its own is found lazily, when the next
    /// arrival reaches it: the crossing still potentiates before that arrival
    /// depresses, with the traces at the exact times.
    func testLazilyFoundCrossingPairsInTimeOrder() throws {
        let rule = PairSTDP(aPlus: 0.1, aMinus: 0.05, tauPlus: 16.8, tauMinus: 33.7, wMax: 2)
        let free = LIFParameters(tauM: 20, eL: -49, vTh: -50, vReset: -60, tRef: 5)
        let w0 = 0.1, t0 = 10.0
        // First arrival at t0 (V = −49 − 11 e^{−1/2}, plus w0); the unit then crosses at tc.
        let tc = t0 + 20 * log(11 * exp(-0.5) - w0)
        let p2 = tc + 1e-4 - 1, ta = p2 + 1   // second arrival just after tc, in the same slot
        XCTAssertEqual(floor(tc), floor(ta))
        let pops = spikingPopulations([("pre", .spikeTimes([t0 - 1, p2]), 1), ("post", .lif(free), 1)])
        let proj = SpikingProjection(name: "p", pre: 0, post: 1, rows: .oneToOne(count: 1), weight: w0, delay: 1,
                                     plasticity: STDPSynapses(rule: rule, rows: .oneToOne(count: 1), initialWeight: w0))
        let net = SpikingNetwork(populations: pops, projections: [proj], rng: RandomStream(seed: 1))
        net.setVoltage(1, -60)
        let spikes = try recordSpikes(net, until: 50).filter { $0.unit == 1 }.map(\.time)
        XCTAssertEqual(spikes.count, 1)
        XCTAssertEqual(spikes[0], tc, accuracy: 1e-9)
        let expected = (w0 + 0.1 * exp(-(tc - t0) / 16.8)) - 0.05 * exp(-(ta - tc) / 33.7)
        XCTAssertGreaterThan(expected, 0)
        XCTAssertEqual(net.weights(of: 0)![0], expected, accuracy: 1e-12)
    }

    /// An arrival that lifts its target to threshold pairs at Δt = 0 as
    /// pre-before-post: the weight grows by A₊ (x = 1) and is not depressed.
    func testArrivalCausingTheSpikePotentiatesByAPlus() throws {
        let rule = PairSTDP(aPlus: 0.1, aMinus: 0.12, tauPlus: 16.8, tauMinus: 33.7, wMax: 30)
        let pops = spikingPopulations([("pre", .spikeTimes([10]), 1), ("post", .lif(lif), 1)])
        let proj = SpikingProjection(name: "p", pre: 0, post: 1, rows: .oneToOne(count: 1), weight: 20, delay: 1,
                                     plasticity: STDPSynapses(rule: rule, rows: .oneToOne(count: 1), initialWeight: 20))
        let net = SpikingNetwork(populations: pops, projections: [proj], rng: RandomStream(seed: 1))
        net.setVoltage(1, -70)
        net.run(until: 20)
        XCTAssertEqual(net.statistics.counts[1], 1)
        XCTAssertEqual(net.weights(of: 0)![0], 20 + 0.1, accuracy: 1e-12)
    }

    /// Weights stay in [0, w_max] however strong the pairing.
    func testWeightsAreBounded() {
        let r = PairSTDP(aPlus: 5, aMinus: 5, tauPlus: 10, tauMinus: 10, wMax: 1)
        XCTAssertEqual(r.potentiated(0.9, preTrace: 1), 1)
        XCTAssertEqual(r.depressed(0.1, postTrace: 1), 0)
    }

    /// A LIF unit driven by Poisson inputs through additive STDP: causal inputs
    /// are potentiated, and the whole run is reproducible from its seed.
    func testPoissonDrivenLearningIsDeterministic() throws {
        func weights(seed: UInt64) -> [Double] {
            let drive = LIFParameters(tauM: 20, eL: -70, vTh: -54, vReset: -60, tRef: 2)
            let pops = spikingPopulations([("in", .poisson(rate: 15), 200), ("out", .lif(drive), 1)])
            let rows = SynapseRows.allToAll(preCount: 200, postCount: 1, allowSelf: true)
            let rule = PairSTDP(aPlus: 0.01, aMinus: 0.0105, tauPlus: 20, tauMinus: 20, wMax: 1)
            let proj = SpikingProjection(name: "in", pre: 0, post: 1, rows: rows, weight: 0.5, delay: 1,
                                         plasticity: STDPSynapses(rule: rule, rows: rows, initialWeight: 0.5))
            let net = SpikingNetwork(populations: pops, projections: [proj], rng: RandomStream(seed: seed))
            net.run(until: 2000)
            XCTAssertGreaterThan(net.statistics.counts[200], 10)
            return net.weights(of: 0)!
        }
        let a = weights(seed: 1), b = weights(seed: 1), c = weights(seed: 2)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertNotEqual(a, [Double](repeating: 0.5, count: 200))
        XCTAssertTrue(a.allSatisfy { (0...1).contains($0) })
    }
}
