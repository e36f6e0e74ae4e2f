import XCTest
import ReverieKernel
import ReverieModels

final class UnlearningCapacityTests: XCTestCase {
    /// Science.md §3: at N = 200, α = 0.3 no pattern is a fixed point of Hebbian
    /// couplings; after unlearning with ε = 0.01 all of them are, near D·ε/N ≈ 0.155.
    func testUnlearningMakesAllPatternsFixedPointsAtAlphaPointThree() throws {
        let n = 200
        var rng = RandomStream(seed: 2024)
        let patterns = PatternSet.random(count: 60, size: n, rng: &rng)
        let net = BinaryNetwork(populations: [("memory", n)], dynamics: BinaryDynamics(), rng: RandomStream(seed: 2024, stream: 1))
        net.connect("recurrent", from: 0, to: 0, synapses: .dense(patterns.hebbianCouplings()), skipSelf: true)
        let before = StabilityMeasures(couplings: net.projections[0].synapses, patterns: patterns)
        XCTAssertEqual(before.fractionStable, 0)
        XCTAssertLessThan(before.minimum, 0)

        let dreaming = HebbianUnlearning(network: net, projection: 0, epsilon: 0.01, noise: RandomStream(seed: 2024, stream: 2))
        var probe = RandomStream(seed: 2024, stream: 3)
        let summary = try dreaming.run(UnlearningSchedule(maxDreams: 10_000, measureEvery: 500, checkEvery: 100, stopAtAllStable: true),
                                       patterns: patterns, probe: &probe)
        let dIn = try XCTUnwrap(summary.dIn)
        XCTAssertEqual(Double(dIn) * 0.01 / Double(n), 0.155, accuracy: 0.05)
        let after = StabilityMeasures(couplings: net.projections[0].synapses, patterns: patterns)
        XCTAssertEqual(after.fractionStable, 1)
        XCTAssertGreaterThan(after.minimum, 0)
        for mu in 0..<patterns.count {  // every pattern is a fixed point of the dynamics itself
            net.setState(patterns[mu], population: 0)
            XCTAssertEqual(net.unstableCount, 0)
        }
        // The records trace the climb: the fraction of stable patterns rises from 0 to 1.
        XCTAssertEqual(summary.records.first?.fractionStable, 0)
        XCTAssertEqual(summary.records.last?.fractionStable, 1)
    }

    /// Same seeds, same dreams: the run is deterministic.
    func testUnlearningIsDeterministic() throws {
        func run() throws -> UnlearningSummary {
            var rng = RandomStream(seed: 5)
            let patterns = PatternSet.random(count: 12, size: 60, rng: &rng)
            let net = BinaryNetwork(populations: [("memory", 60)], dynamics: BinaryDynamics(order: .poisson), rng: RandomStream(seed: 6))
            net.connect("recurrent", from: 0, to: 0, synapses: .dense(patterns.hebbianCouplings()), skipSelf: true)
            var probe = RandomStream(seed: 8)
            return try HebbianUnlearning(network: net, projection: 0, epsilon: 0.05, noise: RandomStream(seed: 7))
                .run(UnlearningSchedule(maxDreams: 300, measureEvery: 50, basinOverlaps: [0.5]), patterns: patterns, probe: &probe)
        }
        XCTAssertEqual(try run(), try run())
    }
}
