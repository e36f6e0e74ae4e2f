import XCTest
import ReverieKernel
@testable import ReverieModels
import ReverieSpec

/// Every fast kernel a registered rule declares gives, bit for bit, what the
/// rule's hooks give applied synapse by synapse. A rule that declares a kernel
/// this test does not know fails it, so a new kernel comes with its proof.
final class FastKernelTests: XCTestCase {
    func testEveryRegisteredFastKernelEqualsItsRule() throws {
        var covered: Set<String> = []
        for entry in Registry.standard.rules {
            let rule = entry.make(RuleParameters(values: entry.parameters, presynapticCount: 37))
            switch rule.fastKernel {
            case nil: continue
            case .rank1?:
                for skipSelf in [true, false] { try checkRank1(AnyPlasticityRule(entry.type, rule), skipSelf: skipSelf) }
                covered.insert(entry.type)
            case .pairSTDP?:
                try checkPairSTDP(rule, name: entry.type)
                covered.insert(entry.type)
            }
        }
        XCTAssertEqual(covered, ["hebbian", "anti-hebbian", "stdp", "stdp-multiplicative"])
    }

    /// Learning on a dense projection: the rank-1 pass against `delta` per synapse.
    func checkRank1(_ rule: AnyPlasticityRule, skipSelf: Bool) throws {
        func network() -> BinaryNetwork {
            var rng = RandomStream(seed: 5)
            let patterns = PatternSet.random(count: 4, size: 37, rng: &rng)
            let net = BinaryNetwork(populations: [("m", 37)], dynamics: BinaryDynamics(), rng: RandomStream(seed: 1))
            net.connect("rec", from: 0, to: 0, synapses: .dense(patterns.hebbianCouplings()), skipSelf: skipSelf)
            return net
        }
        let fast = network(), slow = network()
        var rng = RandomStream(seed: 8)
        for _ in 0..<5 {
            let s = (0..<37).map { _ in rng.nextSpin() }
            for net in [fast, slow] { net.setState(s, population: 0, clamped: true) }
            fast.learn(projection: 0, rule: rule, fastKernel: true)
            slow.learn(projection: 0, rule: rule, fastKernel: false)
        }
        XCTAssertEqual(fast.projections[0].synapses, slow.projections[0].synapses, "\(rule.name), skipSelf \(skipSelf)")
        XCTAssertEqual(fast.field, slow.field)
    }

    /// Spike delivery through plastic synapses: `rv_lif_deliver_stdp` and the
    /// Swift potentiation loop against the rule's two hooks. Strong input makes
    /// many targets cross threshold between arrivals (the late path) and many
    /// arrivals lift them to threshold (simultaneous inputs). The same on
    /// lif-exp units (current synapses; weights in pA, scaled by 40) with
    /// per-synapse delays on the recurrent projection (traces per delay group).
    func checkPairSTDP(_ rule: any PlasticityRule, name: String) throws {
        for currents in [false, true] { try checkPairSTDP(rule, name: name + (currents ? " (lif-exp)" : ""), currents: currents) }
    }

    func checkPairSTDP(_ rule: any PlasticityRule, name: String, currents: Bool) throws {
        func run(fast: Bool) throws -> (spikes: [TraceRecord], weights: [Double], initial: [Double]) {
            let lif = LIFParameters(tauM: 20, eL: -49, vTh: -50, vReset: -60, tRef: 2)
            let exp = LIFExpParameters(tauM: 20, eL: -49, vTh: -50, vReset: -60, tRef: 2, cM: 200, tauSynEx: 5, tauSynIn: 10)
            let pops = spikingPopulations([("in", .poisson(rate: 40), 300), ("out", currents ? .lifExp(exp) : .lif(lif), 40)])
            var rng = RandomStream(seed: 3)
            let rows = SynapseRows.probability(0.3, preCount: 300, postCount: 40, allowSelf: true, rng: &rng)
            let weights = (0..<rows.synapseCount).map { _ in 0.2 + 0.6 * rng.nextUnit() }
            var recurrent = SynapseRows.fixedInDegree(5, preCount: 40, postCount: 40, allowSelf: false, rng: &rng)
            var delays: [Double]? = nil, groups: [Int]? = nil
            if currents {
                let sorted = SpikingProjection.sortedByDelay(rows: recurrent, delays: SpikingDelay.uniform(0.5, 2, step: 0.25)
                    .draw(count: recurrent.synapseCount, rng: &rng)!, weights: nil)
                recurrent = sorted.rows
                delays = sorted.delays
                groups = SpikingProjection(name: "", pre: 1, post: 1, rows: recurrent, weight: 0, delay: 0.5, synapseDelays: delays).groupStart
            }
            let projections = [
                SpikingProjection(name: "in", pre: 0, post: 1, rows: rows, weight: 0.5, delay: 1,
                                  plasticity: STDPSynapses(rule: rule, rows: rows, initialWeights: weights)),
                SpikingProjection(name: "rec", pre: 1, post: 1, rows: recurrent, weight: 0.3, delay: 0.5, synapseDelays: delays,
                                  plasticity: STDPSynapses(rule: rule, rows: recurrent,
                                                           initialWeights: [Double](repeating: 0.3, count: recurrent.synapseCount),
                                                           groupStart: groups)),
            ]
            let sink = MemorySink()
            let hub = SinkHub()
            hub.add(sink)
            let net = SpikingNetwork(populations: pops, projections: projections, sinks: hub, rng: RandomStream(seed: 4))
            net.useFastKernels = fast
            for i in 300..<340 { net.setVoltage(i, -60 + 9 * rng.nextUnit()) }
            if currents { XCTAssertEqual(net.slotWidth, 0.5) }
            net.run(until: 1000)
            try hub.end()
            return (sink.records.filter { $0.kind == .spike }, net.weights(of: 0)! + net.weights(of: 1)!,
                    weights + [Double](repeating: 0.3, count: recurrent.synapseCount))
        }
        let fast = try run(fast: true), slow = try run(fast: false)
        XCTAssertGreaterThan(fast.spikes.filter { $0.unit >= 300 }.count, 500, name)
        XCTAssertEqual(fast.spikes, slow.spikes, name)
        XCTAssertEqual(fast.weights, slow.weights, name)
        XCTAssertGreaterThan(zip(fast.weights, fast.initial).filter { $0 != $1 }.count, fast.weights.count / 2, "the weights learned")
    }
}
