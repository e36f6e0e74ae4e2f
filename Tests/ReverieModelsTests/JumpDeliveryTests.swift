import XCTest
import CReverieSIMD
import ReverieKernel
@testable import ReverieModels

/// Runs of voltage-jump arrivals delivered in one C call (`rv_lif_deliver_arrivals`,
/// resets restored when an arrival finds the period over) give, bit for bit, what
/// `deliver` gives one arrival at a time with resets restored in time order.
final class JumpDeliveryTests: XCTestCase {
    func testTheCLayoutOfAnArrivalIsSwifts() {
        XCTAssertEqual(MemoryLayout<SpikeArrival>.stride, MemoryLayout<rv_arrival>.stride)
        for (swift, c) in [(\SpikeArrival.time, \rv_arrival.time), (\.emitted, \.emitted)] as [(PartialKeyPath<SpikeArrival>, PartialKeyPath<rv_arrival>)] {
            XCTAssertEqual(MemoryLayout<SpikeArrival>.offset(of: swift), MemoryLayout<rv_arrival>.offset(of: c))
        }
        for (swift, c) in [(\SpikeArrival.sender, \rv_arrival.sender), (\.source, \.source), (\.projection, \.projection)]
            as [(PartialKeyPath<SpikeArrival>, PartialKeyPath<rv_arrival>)] {
            XCTAssertEqual(MemoryLayout<SpikeArrival>.offset(of: swift), MemoryLayout<rv_arrival>.offset(of: c))
        }
    }

    /// Intrinsically firing units with a refractory period of two slots under strong
    /// Poisson and grid-timed input (simultaneous arrivals), rows with repeated targets,
    /// per-synapse and shared weights.
    func testRunsOfJumpsEqualOneArrivalAtATime() throws {
        func run(fast: Bool) throws -> (spikes: [(unit: Int, time: Double)], v: [Double], events: Int) {
            let lif = LIFParameters(tauM: 20, eL: -49, vTh: -50, vReset: -60, tRef: 0.5)
            let grid = (1...400).map { Double($0) * 0.5 }
            let pops = spikingPopulations([("in", .poisson(rate: 300), 200), ("grid", .spikeTimes(grid), 10),
                                           ("exc", .lif(lif), 160), ("inh", .lif(lif), 40)])
            var rng = RandomStream(seed: 11)
            /// Each target draws `k` sources with replacement (a row may name a target twice).
            func rows(_ pre: Int, _ post: Int, _ k: Int) -> SynapseRows {
                SynapseRows(preCount: pre, sourcesByPost: (0..<post).map { _ in (0..<k).map { _ in UInt32(rng.nextInt(below: pre)) } })
            }
            let input = rows(200, 160, 40)
            let weights = (0..<input.synapseCount).map { _ in Float(0.05 + 0.5 * rng.nextUnit()) }
            let projections = [
                SpikingProjection(name: "in", pre: 0, post: 2, rows: input, weight: 0, delay: 0.5, synapseWeights: weights),
                SpikingProjection(name: "grid", pre: 1, post: 3, rows: rows(10, 40, 3), weight: 0.8, delay: 0.25),
                SpikingProjection(name: "ee", pre: 2, post: 2, rows: rows(160, 160, 12), weight: 0.3, delay: 0.25),
                SpikingProjection(name: "ei", pre: 2, post: 3, rows: rows(160, 40, 12), weight: 0.3, delay: 0.25),
                SpikingProjection(name: "ie", pre: 3, post: 2, rows: rows(40, 160, 4), weight: -1.5, delay: 0.25),
            ]
            let net = SpikingNetwork(populations: pops, projections: projections, rng: RandomStream(seed: 4))
            net.useFastKernels = fast
            for i in 210..<410 { net.setVoltage(i, -60 + 9.9 * rng.nextUnit()) }
            XCTAssertEqual(net.slotWidth, 0.25)
            let spikes = try recordSpikes(net, until: 200)
            return (spikes, (210..<410).map(net.voltage), net.synapticEvents)
        }
        let fast = try run(fast: true), slow = try run(fast: false)
        XCTAssertGreaterThan(fast.spikes.filter { $0.unit >= 210 }.count, 5000)
        XCTAssertEqual(fast.spikes.map(\.unit), slow.spikes.map(\.unit))
        XCTAssertEqual(fast.spikes.map(\.time), slow.spikes.map(\.time))
        XCTAssertEqual(fast.v, slow.v)
        XCTAssertEqual(fast.events, slow.events)
    }
}
