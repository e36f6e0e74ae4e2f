import XCTest
import ReverieKernel
import ReverieSpec
@testable import ReverieModels

final class SleepExampleTests: XCTestCase {
    func testExamplesHaveQualityRAndNormalisedAverages() {
        var rng = RandomStream(seed: 1)
        let xi = PatternSet.random(count: 4, size: 500, rng: &rng)
        let set = ExampleSet(archetypes: xi, perArchetype: 20, quality: 0.3, rng: &rng)
        XCTAssertEqual(set.examples.count, 80)
        var agreement = 0.0
        for row in 0..<80 { for i in 0..<500 { agreement += set.examples.values[row * 500 + i] * xi.values[(row / 20) * 500 + i] } }
        XCTAssertEqual(agreement / 40_000, 0.3, accuracy: 0.015)  // > 3 sigma
        XCTAssertEqual(set.entropy, (1 - 0.09) / (20 * 0.09), accuracy: 1e-12)
        let avg = set.normalizedAverages
        XCTAssertEqual(avg.values.reduce(0) { $0 + $1 * $1 } / 2000, 1, accuracy: 0.05)
    }

    func testLocalStorageFromExamplesIsHebbOnTheAverages() {
        var rng = RandomStream(seed: 2)
        let xi = PatternSet.random(count: 3, size: 30, rng: &rng)
        let set = ExampleSet(archetypes: xi, perArchetype: 7, quality: 0.5, rng: &rng)
        var synapses = Connectivity.dense(DenseWeights(preCount: 30, postCount: 30))
        let rule = registryRule("hebbian", ["eta": 1], presynapticCount: 30)
        set.storeHebbian(rule, into: &synapses, skipSelf: true)
        let expected = set.normalizedAverages.hebbianCouplings()
        for pre in 0..<30 { for post in 0..<30 { XCTAssertEqual(synapses.weight(pre: pre, post: post), expected[pre: pre, post: post], accuracy: 1e-12) } }
    }
}
