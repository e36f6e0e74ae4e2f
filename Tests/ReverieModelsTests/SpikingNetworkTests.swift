import Foundation
import ReverieKernel
@testable import ReverieModels
import XCTest

final class SpikingNetworkTests: XCTestCase {
    let lif = LIFParameters(tauM: 10, eL: -70, vTh: -55, vReset: -70, tRef: 2)

    /// Arrivals at the same time are summed before the threshold test, whatever
    /// their order: +10 and −10 mV together do not reach threshold from −60 mV,
    /// +10 and −2 do, and a lone +10 spikes exactly at the arrival.
    func testSimultaneousArrivalsAreSummedBeforeTheThreshold() throws {
        for (wa, wb, spikes) in [(10.0, -10.0, false), (-10.0, 10.0, false), (10.0, -2.0, true), (-2.0, 10.0, true), (10.0, 0.0, true)] {
            let pops = spikingPopulations([("a", .spikeTimes([1]), 1), ("b", .spikeTimes([1]), 1), ("n", .lif(lif), 1)])
            let projections = [SpikingProjection(name: "a", pre: 0, post: 2, rows: .oneToOne(count: 1), weight: wa, delay: 1),
                               SpikingProjection(name: "b", pre: 1, post: 2, rows: .oneToOne(count: 1), weight: wb, delay: 1)]
            for queue in SpikeQueueKind.allCases {
                let net = SpikingNetwork(populations: pops, projections: projections, queue: queue, sinks: SinkHub(), rng: RandomStream(seed: 1))
                net.setVoltage(2, -60)
                let fired = try recordSpikes(net, until: 5).filter { $0.unit == 2 }
                XCTAssertEqual(fired.map(\.time), spikes ? [2] : [], "\(queue), weights \(wa) then \(wb)")
            }
        }
    }

    /// Input arriving during the refractory period is discarded; afterwards V
    /// relaxes from V_reset exactly.
    func testInputDuringRefractoryPeriodIsDiscarded() throws {
        let pops = spikingPopulations([("kick", .spikeTimes([1, 2.5]), 1), ("n", .lif(lif), 1)])
        let proj = SpikingProjection(name: "kick", pre: 0, post: 1, rows: .oneToOne(count: 1), weight: 20, delay: 0.5)
        let net = SpikingNetwork(populations: pops, projections: [proj], sinks: SinkHub(), rng: RandomStream(seed: 1))
        net.setVoltage(1, -65)
        let spikes = try recordSpikes(net, until: 10).filter { $0.unit == 1 }
        XCTAssertEqual(spikes.map(\.time), [1.5])   // the second kick (t = 3) falls in [1.5, 3.5)
        XCTAssertEqual(net.voltage(1), -70, accuracy: 1e-12)  // V_reset = E_L: stays there
        XCTAssertEqual(net.synapticEvents, 2)
    }

    /// Per-synapse delays: one spike at t = 1 reaches three targets after 0.5,
    /// 1.25 and 3 ms (given per connection, in any order), each lifted to threshold
    /// at its exact arrival; the slot is the shortest delay, the ring spans the longest.
    func testPerSynapseDelaysArriveExactly() throws {
        let rows = SynapseRows(preCount: 1, sourcesByPost: [[0], [0], [0]])
        let sorted = SpikingProjection.sortedByDelay(rows: rows, delays: [3.0, 0.5, 1.25], weights: [20, 20, 20])
        XCTAssertEqual(sorted.rows.targets, [1, 2, 0])
        XCTAssertEqual(sorted.delays, [0.5, 1.25, 3.0])
        for queue in SpikeQueueKind.allCases {
            let pops = spikingPopulations([("s", .spikeTimes([1]), 1), ("n", .lif(lif), 3)])
            let proj = SpikingProjection(name: "d", pre: 0, post: 1, rows: sorted.rows, weight: 20, delay: 0.5,
                                         synapseWeights: sorted.weights!.map { Float($0) }, synapseDelays: sorted.delays)
            XCTAssertEqual(proj.groupDelay, [0.5, 1.25, 3.0])
            XCTAssertEqual(proj.maxDelay, 3.0)
            let net = SpikingNetwork(populations: pops, projections: [proj], queue: queue, rng: RandomStream(seed: 1))
            XCTAssertEqual(net.slotWidth, 0.5)
            for i in 1...3 { net.setVoltage(i, -60) }
            let spikes = try recordSpikes(net, until: 10).filter { $0.unit > 0 }
            XCTAssertEqual(spikes.map(\.unit), [2, 3, 1], "\(queue)")
            XCTAssertEqual(spikes.map(\.time), [1.5, 2.25, 4.0], "\(queue)")
        }
    }

    /// Drawn delays: uniform on a grid takes every grid point in the range and no
    /// other value; normal draws are clipped at min and, on a grid, never below
    /// its first point ≥ min; the same stream gives the same delays.
    func testDrawnDelaysFollowTheirDistribution() {
        var rng = RandomStream(seed: 5)
        let grid = SpikingDelay.uniform(0.1, 1.0, step: 0.1).draw(count: 5000, rng: &rng)!
        XCTAssertEqual(Set(grid), Set((1...10).map { Double($0) * 0.1 }))
        let normal = SpikingDelay.normal(mean: 0.3, sd: 0.5, min: 0.15, step: 0.1)
        let drawn = normal.draw(count: 5000, rng: &rng)!
        XCTAssertEqual(normal.minimum, 0.2)
        XCTAssertTrue(drawn.allSatisfy { $0 >= 0.2 && ($0 / 0.1 - ($0 / 0.1).rounded()).magnitude < 1e-9 })
        XCTAssertGreaterThan(drawn.filter { $0 == 0.2 }.count, 1000)
        let continuous = SpikingDelay.uniform(0.5, 2, step: nil).draw(count: 1000, rng: &rng)!
        XCTAssertTrue(continuous.allSatisfy { $0 >= 0.5 && $0 < 2 })
        var a = RandomStream(seed: 9), b = RandomStream(seed: 9)
        XCTAssertEqual(normal.draw(count: 100, rng: &a), normal.draw(count: 100, rng: &b))
        XCTAssertNil(SpikingDelay.constant(1).draw(count: 10, rng: &a))
    }

    /// The same network on the ring and on the heap gives the same spikes.
    func testRingAndHeapQueuesAgree() throws {
        var results: [[(unit: Int, time: Double)]] = []
        for queue in SpikeQueueKind.allCases {
            let net = smallBenchmark(queue: queue, seed: 3)
            results.append(try recordSpikes(net, until: 300))
        }
        XCTAssertGreaterThan(results[0].count, 500)
        XCTAssertEqual(results[0].map(\.unit), results[1].map(\.unit))
        XCTAssertEqual(results[0].map(\.time), results[1].map(\.time))
        // Spike records come in time order.
        XCTAssertEqual(results[0].map(\.time), results[0].map(\.time).sorted())
    }

    /// Benchmark 4's structure at N = 500 (in-degrees 64 and 16), initial V uniform in [−60, −50].
    func smallBenchmark(queue: SpikeQueueKind, seed: UInt64) -> SpikingNetwork {
        let b4 = LIFParameters(tauM: 20, eL: -49, vTh: -50, vReset: -60, tRef: 5)
        let pops = spikingPopulations([("e", .lif(b4), 400), ("i", .lif(b4), 100)])
        var rng = RandomStream(seed: seed)
        var projections: [SpikingProjection] = []
        for (pre, k, w) in [(0, 64, 0.25), (1, 16, -2.25)] {
            for post in 0..<2 {
                let rows = SynapseRows.fixedInDegree(k, preCount: pops[pre].size, postCount: pops[post].size, allowSelf: pre != post, rng: &rng)
                projections.append(SpikingProjection(name: "\(pre)\(post)", pre: pre, post: post, rows: rows, weight: w, delay: 0.125))
            }
        }
        let net = SpikingNetwork(populations: pops, projections: projections, queue: queue, sinks: SinkHub(), rng: RandomStream(seed: seed))
        for i in 0..<500 { net.setVoltage(i, -60 + 10 * rng.nextUnit()) }
        return net
    }

    /// Per-synapse static weights: each arrival jumps by its own synapse's weight.
    func testPerSynapseWeightsJumpExactly() throws {
        let pops = spikingPopulations([("src", .spikeTimes([0.5]), 2), ("n", .lif(lif), 1)])
        // Both sources spike at 0.5; rows are sorted, so synapse 0 is src 0 → n, synapse 1 is src 1 → n.
        let rows = SynapseRows.allToAll(preCount: 2, postCount: 1, allowSelf: true)
        let proj = SpikingProjection(name: "p", pre: 0, post: 1, rows: rows, weight: 0, delay: 1, synapseWeights: [1.5, -0.75])
        let net = SpikingNetwork(populations: pops, projections: [proj], sinks: SinkHub(), rng: RandomStream(seed: 1))
        net.setVoltage(2, -65)
        net.run(until: 3)
        // V(1.5) = −70 + 5 e^{−1.5/10} + 1.5 − 0.75, then relaxes to t = 3.
        XCTAssertEqual(net.voltage(2), -70 + (5 * exp(-1.5 / 10) + 0.75) * exp(-1.5 / 10), accuracy: 1e-12)
        XCTAssertEqual(proj.bytes, rows.bytes + 2 * 4)
    }

    func testFixedInDegreeDrawsDistinctSourcesWithoutSelf() {
        var rng = RandomStream(seed: 9)
        let rows = SynapseRows.fixedInDegree(7, preCount: 8, postCount: 8, allowSelf: false, rng: &rng)
        var sources = [[Int]](repeating: [], count: 8)
        for j in 0..<8 { for s in rows.rowStart[j]..<rows.rowStart[j + 1] { sources[Int(rows.targets[s])].append(j) } }
        // In-degree 7 of 7 possible sources: each unit receives from every other unit once.
        for (post, list) in sources.enumerated() { XCTAssertEqual(list.sorted(), (0..<8).filter { $0 != post }) }
        let big = SynapseRows.fixedInDegree(64, preCount: 3200, postCount: 800, allowSelf: true, rng: &rng)
        XCTAssertEqual(big.synapseCount, 64 * 800)
        XCTAssertEqual(big.bytes, 64 * 800 * 4 + 3201 * 8)
    }

    func testProbabilityConnectivityHasTheExpectedDensity() {
        var rng = RandomStream(seed: 2)
        let rows = SynapseRows.probability(0.1, preCount: 300, postCount: 300, allowSelf: false, rng: &rng)
        let mean = 0.1 * 300 * 299, sd = (mean * 0.9).squareRoot()
        XCTAssertEqual(Double(rows.synapseCount), mean, accuracy: 5 * sd)
        for j in 0..<300 { XCTAssertFalse(rows.targets[rows.rowStart[j]..<rows.rowStart[j + 1]].contains(UInt32(j))) }
    }

    func testPoissonSourcesFireAtTheirRate() throws {
        let net = SpikingNetwork(populations: spikingPopulations([("p", .poisson(rate: 20), 100)]), projections: [],
                                 sinks: SinkHub(), rng: RandomStream(seed: 4))
        let spikes = try recordSpikes(net, until: 10_000)
        XCTAssertEqual(Double(spikes.count), 20_000, accuracy: 5 * 20_000.0.squareRoot())
        XCTAssertEqual(net.statistics.meanCV(0..<100).cv, 1, accuracy: 0.05)  // exponential ISIs
    }
}
