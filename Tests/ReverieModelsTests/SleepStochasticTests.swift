import XCTest
import ReverieKernel
@testable import ReverieModels

final class SleepStochasticTests: XCTestCase {
    /// The probe-driven local rule approaches the closed-form kernel as the number of probes grows.
    func testLocalSleepApproachesClosedFormWithMoreProbes() throws {
        let n = 20, t = 10.0
        var rng = RandomStream(seed: 3)
        let xi = PatternSet.random(count: 10, size: n, rng: &rng)
        let exact = try XCTUnwrap(SleepKernel.couplings(patterns: xi, sleepTime: t, zeroDiagonal: false))
        let hebb = try XCTUnwrap(SleepKernel.couplings(patterns: xi, sleepTime: 0, zeroDiagonal: false))
        var distances: [Double] = []
        for probes in [300, 3000, 30000] {
            let net = BinaryNetwork(populations: [("memory", n)], dynamics: BinaryDynamics(), rng: RandomStream(seed: 4))
            net.connect("recurrent", from: 0, to: 0, synapses: .dense(hebb), skipSelf: false)
            var probeRng = RandomStream(seed: 5)
            StochasticSleep(sleepTime: t, probes: probes).run(network: net, projection: 0, rng: &probeRng)
            guard case .dense(let j) = net.projections[0].synapses else { return XCTFail() }
            distances.append(StochasticSleep.relativeDistance(j, to: exact))
        }
        XCTAssertGreaterThan(distances[0], distances[1])
        XCTAssertGreaterThan(distances[1], distances[2])
        XCTAssertLessThan(distances[2], 0.1)
        XCTAssertGreaterThan(StochasticSleep.relativeDistance(hebb, to: exact), 3 * distances[2], "sleep moved J towards J(t)")
    }

    /// The rule's expectation is the ODE's right-hand side: averaged over all 2^n
    /// probes, Σ ΔJ_ij = dτ (J − J²)_ij exactly.
    func testSleepRuleAveragesToTheODE() {
        let n = 5
        var rng = RandomStream(seed: 9)
        var j = [Double](repeating: 0, count: n * n)
        for a in 0..<n { for b in 0...a { let w = rng.nextUnit() - 0.5; j[a * n + b] = w; j[b * n + a] = w } }
        let rule = SleepRule(rate: 1)
        var mean = [Double](repeating: 0, count: n * n)
        for code in 0..<(1 << n) {
            let s = (0..<n).map { Double((code >> $0) & 1) * 2 - 1 }
            let h = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + j[i * n + $1] * s[$1] } }
            for a in 0..<n {
                for b in 0..<n {
                    mean[a * n + b] += rule.delta(weight: j[a * n + b], pre: LocalSignal(activity: s[b], aux: h[b]),
                                                  post: LocalSignal(activity: s[a], aux: h[a])) / Double(1 << n)
                }
            }
        }
        for a in 0..<n {
            for b in 0..<n {
                let sq = (0..<n).reduce(0.0) { $0 + j[a * n + $1] * j[$1 * n + b] }
                XCTAssertEqual(mean[a * n + b], j[a * n + b] - sq, accuracy: 1e-12)
            }
        }
    }
}
