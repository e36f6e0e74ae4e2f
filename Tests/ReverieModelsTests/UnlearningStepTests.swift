import XCTest
import ReverieKernel
import ReverieSpec
@testable import ReverieModels

final class UnlearningStepTests: XCTestCase {
    func network(n: Int, patterns: Int, seed: UInt64) -> (BinaryNetwork, PatternSet) {
        var rng = RandomStream(seed: seed)
        let pats = PatternSet.random(count: patterns, size: n, rng: &rng)
        let net = BinaryNetwork(populations: [("memory", n)], dynamics: BinaryDynamics(), rng: RandomStream(seed: seed, stream: 1))
        net.connect("recurrent", from: 0, to: 0, synapses: .dense(pats.hebbianCouplings()), skipSelf: true)
        return (net, pats)
    }

    /// The rank-1 fast path is bitwise the local rule applied synapse by synapse,
    /// and its O(N) field update matches reassembled fields.
    func testFastAntiHebbianStepEqualsLocalRule() {
        let (fast, _) = network(n: 40, patterns: 6, seed: 3)
        let (slow, _) = network(n: 40, patterns: 6, seed: 3)
        var r = RandomStream(seed: 9)
        let s = (0..<40).map { _ in r.nextSpin() }
        fast.setState(s, population: 0); slow.setState(s, population: 0)
        let rule = registryRule("anti-hebbian", ["epsilon": 0.37], presynapticCount: 40)
        XCTAssertTrue(fast.learnRank1(scale: rank1Scale(rule), projection: 0))
        slow.learn(projection: 0, rule: rule, fastKernel: false)
        XCTAssertEqual(fast.projections[0].synapses, slow.projections[0].synapses)
        for i in 0..<40 { XCTAssertEqual(fast.field[i], slow.field[i], accuracy: 1e-12) }
        XCTAssertEqual(fast.unstableCount, slow.unstableCount)
    }

    /// The fused pass (update, then the next state imposed with its fields summed in the
    /// same pass) leaves the weights bitwise as the local rule does, the states as
    /// `setState` sets them, and fields equal to reassembled ones.
    func testFusedStepWithNextStateEqualsLocalRuleThenSetState() {
        let (fast, _) = network(n: 41, patterns: 7, seed: 4)
        let (slow, _) = network(n: 41, patterns: 7, seed: 4)
        var r = RandomStream(seed: 10)
        let s = (0..<41).map { _ in r.nextSpin() }, next = (0..<41).map { _ in r.nextSpin() }
        fast.setState(s, population: 0); slow.setState(s, population: 0)
        let rule = registryRule("anti-hebbian", ["epsilon": 0.21], presynapticCount: 41)
        XCTAssertTrue(fast.learnRank1(scale: rank1Scale(rule), projection: 0, thenImpose: next))
        slow.learn(projection: 0, rule: rule, fastKernel: false)
        slow.setState(next, population: 0)
        XCTAssertEqual(fast.projections[0].synapses, slow.projections[0].synapses)
        XCTAssertEqual(fast.state, next)
        slow.recomputeFields()
        for i in 0..<41 { XCTAssertEqual(fast.field[i], slow.field[i], accuracy: 1e-12) }
        XCTAssertEqual(fast.unstableCount, slow.unstableCount)
    }

    /// One dream = the closed-form update J − (ε/N) s* s*ᵀ (off-diagonal) at a true fixed point s*.
    func testDreamAppliesClosedFormUpdateAtAFixedPoint() throws {
        let n = 50
        let (net, _) = network(n: n, patterns: 10, seed: 5)
        let before = net.projections[0].synapses
        let u = HebbianUnlearning(network: net, projection: 0, epsilon: 0.2, noise: RandomStream(seed: 11))
        let s = try u.dream()
        guard case .dense(let j0) = before, case .dense(let j1) = net.projections[0].synapses else { return XCTFail() }
        var fields = [Double](repeating: 0, count: n)
        for j in 0..<n { for i in 0..<n { fields[i] += j0[pre: j, post: i] * s[j] } }
        for i in 0..<n { XCTAssertGreaterThanOrEqual(s[i] * fields[i], 0, "s* is a fixed point of the old couplings") }
        for j in 0..<n {
            for i in 0..<n {
                let expected = i == j ? 0 : j0[pre: j, post: i] - 0.2 / Double(n) * s[i] * s[j]
                XCTAssertEqual(j1[pre: j, post: i], expected, accuracy: 1e-15)
            }
        }
        let incremental = net.field
        net.recomputeFields()
        for i in 0..<n { XCTAssertEqual(incremental[i], net.field[i], accuracy: 1e-12) }
    }
}
