import XCTest
import ReverieKernel
import ReverieSpec
@testable import ReverieModels

final class SleepExampleTests: XCTestCase {
    func testExamplesHaveQualityRAndNormalisedAverages() {
        var rng = RandomStream(seed: 1)
        let xi = PatternSet.random(count: 4, size: 500, rng: &rng)
        let set = ExampleSet(archetypes: xi, perArchetype: 20, quality: 0.3, rng: &rng)
        XCTAssertEqual(set.sums.count, 4 * 500)
        var agreement = 0.0
        for k in set.sums.indices { agreement += set.sums[k] * xi.values[k] }
        XCTAssertEqual(agreement / (80 * 500), 0.3, accuracy: 0.015)  // > 3 sigma
        XCTAssertEqual(set.entropy, (1 - 0.09) / (20 * 0.09), accuracy: 1e-12)
        let avg = set.averages(.scaled)
        XCTAssertEqual(avg.values.reduce(0) { $0 + $1 * $1 } / 2000, 1, accuracy: 0.05)
        let plain = set.averages(.plain)
        XCTAssertEqual(plain.values.reduce(0) { $0 + $1 * $1 } / 2000, 0.09 * (1 + set.entropy), accuracy: 0.01)
        for k in plain.values.indices { XCTAssertEqual(plain.values[k], set.sums[k] / 20, accuracy: 1e-15) }
    }

    /// Drawing K ~ Binomial(M, (1 + r)/2) per unit gives the sums of drawing every
    /// example: S = ξ (2K − M), mean r·M·ξ, variance M(1 − r²), parity of M.
    func testBinomialSamplingMatchesDrawingEveryExample() {
        var rng = RandomStream(seed: 7)
        let xi = PatternSet.random(count: 4, size: 2500, rng: &rng)
        let m = 51, r = 0.3
        for sampling in ExampleSet.Sampling.allCases {
            let set = ExampleSet(archetypes: xi, perArchetype: m, quality: r, sampling: sampling, rng: &rng)
            let aligned = set.sums.indices.map { set.sums[$0] * xi.values[$0] }
            let mean = aligned.reduce(0, +) / Double(aligned.count)
            let variance = aligned.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(aligned.count - 1)
            // 10 000 values: sd of the mean 0.068, of the variance ≈ 0.65.
            XCTAssertEqual(mean, r * Double(m), accuracy: 0.3, "\(sampling)")
            XCTAssertEqual(variance, Double(m) * (1 - r * r), accuracy: 3, "\(sampling)")
            XCTAssertTrue(set.sums.allSatisfy { abs($0) <= Double(m) && Int($0).magnitude % 2 == 1 }, "\(sampling)")
        }
    }

    func testBinomialSamplerHasTheBinomialDistribution() {
        var rng = RandomStream(seed: 11)
        let n = 12, p = 0.35, draws = 120_000
        let sampler = BinomialSampler(trials: n, probability: p)
        var counts = [Int](repeating: 0, count: n + 1)
        for _ in 0..<draws { counts[sampler.draw(&rng)] += 1 }
        var chi2 = 0.0, pmf = pow(1 - p, Double(n))
        for k in 0...n {
            let expected = pmf * Double(draws)
            chi2 += (Double(counts[k]) - expected) * (Double(counts[k]) - expected) / expected
            pmf *= Double(n - k) / Double(k + 1) * p / (1 - p)
        }
        XCTAssertLessThan(chi2, 34.5, "χ² with 12 degrees of freedom, p = 0.001")
        // Large n: mean and variance; the extremes.
        let big = BinomialSampler(trials: 20_000, probability: 0.65)
        let x = (0..<20_000).map { _ in Double(big.draw(&rng)) }
        let mean = x.reduce(0, +) / 20_000
        XCTAssertEqual(mean, 13_000, accuracy: 3)  // sd of the mean 0.47
        XCTAssertEqual(x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 19_999, 4550, accuracy: 250)
        XCTAssertEqual(BinomialSampler(trials: 9, probability: 1).draw(&rng), 9)
        XCTAssertEqual(BinomialSampler(trials: 9, probability: 0).draw(&rng), 0)
        XCTAssertEqual(BinomialSampler(trials: 0, probability: 0.4).draw(&rng), 0)
    }

    func testLocalStorageFromExamplesIsHebbOnTheAverages() {
        var rng = RandomStream(seed: 2)
        let xi = PatternSet.random(count: 3, size: 30, rng: &rng)
        let set = ExampleSet(archetypes: xi, perArchetype: 7, quality: 0.5, rng: &rng)
        for averaging in ExampleSet.Averaging.allCases {
            var synapses = Connectivity.dense(DenseWeights(preCount: 30, postCount: 30))
            let rule = registryRule("hebbian", ["eta": 1], presynapticCount: 30)
            set.storeHebbian(rule, averaging: averaging, into: &synapses, skipSelf: true)
            let expected = set.averages(averaging).hebbianCouplings()
            for pre in 0..<30 { for post in 0..<30 { XCTAssertEqual(synapses.weight(pre: pre, post: post), expected[pre: pre, post: post], accuracy: 1e-12) } }
        }
    }

    /// Plain averages are the scaled ones times c = r·sqrt(1 + ρ), so C_plain = c²C and
    /// J_plain(t) = c² (1 + t)/(1 + c²t) · J_scaled(c²t): the normalisation only rescales
    /// the sleep time (and J); t = 0 and t = ∞ keep their couplings up to a factor.
    func testPlainAveragesRescaleTheSleepTime() throws {
        var rng = RandomStream(seed: 4)
        let xi = PatternSet.random(count: 12, size: 80, rng: &rng)
        let set = ExampleSet(archetypes: xi, perArchetype: 9, quality: 0.4, rng: &rng)
        let scaled = SleepFromExamples(examples: set, averaging: .scaled), plain = SleepFromExamples(examples: set, averaging: .plain)
        let c2 = 0.16 * (1 + set.entropy)
        for t in [0, 3, 40, Double.infinity] {
            let jp = try XCTUnwrap(plain.closedForm(sleepTime: t))
            let js = try XCTUnwrap(scaled.closedForm(sleepTime: t.isInfinite ? t : c2 * t))
            let factor = t.isInfinite ? 1 : c2 * (1 + t) / (1 + c2 * t)
            for k in jp.weights.indices { XCTAssertEqual(jp.weights[k], factor * js.weights[k], accuracy: 1e-12, "t = \(t)") }
            if t == 3 {
                let same = try XCTUnwrap(scaled.closedForm(sleepTime: 3))
                XCTAssertGreaterThan(StochasticSleep.relativeDistance(jp, to: same), 0.05, "not the same kernel at the same t")
            }
        }
    }
}
