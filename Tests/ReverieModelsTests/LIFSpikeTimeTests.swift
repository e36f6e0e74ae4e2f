import Foundation
import ReverieKernel
@testable import ReverieModels
import XCTest

/// Builds populations with consecutive unit ranges.
func spikingPopulations(_ specs: [(String, SpikingUnitKind, Int)]) -> [SpikingPopulation] {
    var first = 0
    return specs.map { name, kind, size in
        defer { first += size }
        return SpikingPopulation(name: name, kind: kind, first: first, size: size)
    }
}

/// Runs `net` until `end` with a memory sink on its hub and returns the spike
/// records as (unit, time) pairs.
func recordSpikes(_ net: SpikingNetwork, until end: Double) throws -> [(unit: Int, time: Double)] {
    let sink = MemorySink()
    net.sinks.add(sink)
    try net.sinks.begin(RunDescription(modelName: "t", modelSource: "", seed: 1, timeUnit: "ms", populations: [], phases: [], metrics: []))
    net.run(until: end)
    try net.sinks.end()
    return sink.records.filter { $0.kind == .spike }.map { (Int($0.unit), $0.time.value) }
}

final class LIFSpikeTimeTests: XCTestCase {
    /// A unit driven above threshold by a constant current fires periodically:
    /// t₁ = τ ln((V₀ − V_∞)/(V_th − V_∞)), then every t_ref + τ ln((V_reset − V_∞)/(V_th − V_∞)).
    func testConstantDriveSpikeTimesAreAnalytic() throws {
        let lif = LIFParameters(tauM: 10, eL: -70, vTh: -55, vReset: -70, tRef: 2, cM: 250, iE: 500)  // V_∞ = −50
        XCTAssertEqual(lif.vInfinity, -50, accuracy: 1e-12)
        let net = SpikingNetwork(populations: spikingPopulations([("n", .lif(lif), 1)]), projections: [],
                                 slotWidth: 0.1, rng: RandomStream(seed: 1))
        net.setVoltage(0, -65)
        let times = try recordSpikes(net, until: 100).map(\.time)
        let first = 10 * log(15.0 / 5.0), period = 2 + 10 * log(20.0 / 5.0)
        let expected = (0..<20).map { first + Double($0) * period }.filter { $0 < 100 }
        XCTAssertEqual(times.count, expected.count)
        for (t, e) in zip(times, expected) { XCTAssertEqual(t, e, accuracy: 1e-9) }
        XCTAssertEqual(net.statistics.counts[0], expected.count)
    }

    /// One inhibitory input delays the free crossing of a unit whose E_L is above
    /// threshold by exactly the closed form; one excitatory input that reaches
    /// threshold makes it spike at the arrival time.
    func testSingleInputsShiftSpikeTimesExactly() throws {
        let lif = LIFParameters(tauM: 20, eL: -49, vTh: -50, vReset: -60, tRef: 5)
        // At the arrival (t = 10) V = V_∞ − 11 e^{−1/2}; after a jump w it crosses at 10 + τ ln((11 e^{−1/2} − w)/1).
        for (weight, expected) in [(-2.0, 10 + 20 * log(11 * exp(-0.5) + 2)), (6.0, 10.0)] {
            let pops = spikingPopulations([("in", .spikeTimes([8.5]), 1), ("n", .lif(lif), 1)])
            let proj = SpikingProjection(name: "in->n", pre: 0, post: 1, rows: .oneToOne(count: 1), weight: weight, delay: 1.5)
            let net = SpikingNetwork(populations: pops, projections: [proj], rng: RandomStream(seed: 1))
            net.setVoltage(1, -60)
            let lifSpikes = try recordSpikes(net, until: 60).filter { $0.unit == 1 }.map(\.time)
            XCTAssertFalse(lifSpikes.isEmpty)
            XCTAssertEqual(lifSpikes[0], expected, accuracy: 1e-9, "weight \(weight)")
        }
        // Without input the same unit crosses at τ ln(11), before the inhibited one.
        XCTAssertEqual(lif.timeToThreshold(from: -60), 20 * log(11.0), accuracy: 1e-12)
    }

    /// The membrane between events is the exact exponential relaxation.
    func testVoltageRelaxesExactly() {
        let lif = LIFParameters(tauM: 10, eL: -70, vTh: -55, vReset: -70, tRef: 2)
        let net = SpikingNetwork(populations: spikingPopulations([("n", .lif(lif), 1)]), projections: [],
                                 slotWidth: 0.25, rng: RandomStream(seed: 1))
        net.setVoltage(0, -56)
        net.run(until: 400)   // crosses several rebases of the origin
        XCTAssertEqual(net.voltage(0), -70 + 14 * exp(-400.0 / 10), accuracy: 1e-12)
        XCTAssertGreaterThan(net.origin, 0)
    }
}
