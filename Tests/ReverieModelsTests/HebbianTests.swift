import XCTest
import ReverieKernel
import ReverieSpec
import ReverieModels

final class HebbianTests: XCTestCase {
    func testLocalRuleEqualsClosedForm() {
        var rng = RandomStream(seed: 11)
        let n = 60
        let patterns = PatternSet.random(count: 9, size: n, rng: &rng)
        let net = BinaryNetwork(populations: [("m", n)], dynamics: BinaryDynamics(), rng: RandomStream(seed: 1))
        net.connect("rec", from: 0, to: 0, synapses: .dense(DenseWeights(preCount: n, postCount: n)), skipSelf: true)
        let rule = registryRule("hebbian", ["eta": 1], presynapticCount: n)
        for mu in 0..<patterns.count {
            net.setState(patterns[mu], population: 0, clamped: true)
            net.learn(projection: 0, rule: rule)
        }
        guard case .dense(let learned) = net.projections[0].synapses else { return XCTFail("dense expected") }
        let closed = patterns.hebbianCouplings()
        for i in 0..<n {
            XCTAssertEqual(learned[pre: i, post: i], 0)
            for j in 0..<n {
                var sum = 0.0
                for mu in 0..<patterns.count where i != j { sum += patterns[mu][i] * patterns[mu][j] }
                XCTAssertEqual(learned[pre: j, post: i], sum / Double(n), accuracy: 1e-12)
                XCTAssertEqual(closed[pre: j, post: i], sum / Double(n), accuracy: 1e-12)
            }
        }
    }

    func testSparseProjectionLearnsOnlyExistingSynapses() {
        var rng = RandomStream(seed: 5)
        let n = 40
        let patterns = PatternSet.random(count: 3, size: n, rng: &rng)
        var csr = SparseWeights(rows: .probability(0.2, preCount: n, postCount: n, allowSelf: false, rng: &rng))
        let net = BinaryNetwork(populations: [("m", n)], dynamics: BinaryDynamics(), rng: RandomStream(seed: 1))
        net.connect("rec", from: 0, to: 0, synapses: .sparse(csr), skipSelf: true)
        let rule = registryRule("hebbian", ["eta": 2], presynapticCount: n)
        for mu in 0..<patterns.count {
            net.setState(patterns[mu], population: 0, clamped: true)
            net.learn(projection: 0, rule: rule)
        }
        let closed = patterns.hebbianCouplings(eta: 2)
        for j in 0..<n {
            for i in 0..<n {
                let expected = csr.synapseIndex(pre: j, post: i) == nil ? 0 : closed[pre: j, post: i]
                XCTAssertEqual(net.projections[0].synapses.weight(pre: j, post: i), expected, accuracy: 1e-12)
            }
        }
        csr.weights[0] = 1  // silence "never mutated"
    }
}
