import XCTest
import ReverieKernel
import ReverieModels

/// Hebbian retrieval at N = 1000 against docs/science.md §2 (numpy reference:
/// fraction of exact fixed points 0.996 / 0.53 / 0.00 and mean final overlap
/// 1.000 / 0.998 / 0.36 at α = 0.05 / 0.10 / 0.20).
final class RetrievalTests: XCTestCase {
    func measure(alpha: Double, seed: UInt64) -> (fixed: Double, overlap: Double) {
        let n = 1000
        var rng = RandomStream(seed: seed)
        let patterns = PatternSet.random(count: Int(alpha * Double(n)), size: n, rng: &rng)
        let net = hebbianNetwork(n: n, patterns: patterns)
        var fixed = 0, m = 0.0
        for mu in 0..<patterns.count {
            net.setState(patterns[mu], population: 0)
            if net.unstableCount == 0 { fixed += 1 }
            relax(net)
            m += net.overlap(with: patterns[mu], population: 0)
        }
        return (Double(fixed) / Double(patterns.count), m / Double(patterns.count))
    }

    func testLowLoadRetrievesEveryPattern() {
        let r = measure(alpha: 0.05, seed: 1)
        XCTAssertGreaterThanOrEqual(r.fixed, 0.96)   // reference 0.996 (P = 50)
        XCTAssertGreaterThanOrEqual(r.overlap, 0.99)
    }

    func testIntermediateLoadIsNearTheReference() {
        let r = measure(alpha: 0.10, seed: 2)
        XCTAssertEqual(r.fixed, 0.53, accuracy: 0.17)  // ≈ 3.4 binomial σ at P = 100
        XCTAssertGreaterThan(r.overlap, 0.98)
    }

    func testAboveCapacityRetrievalFails() {
        let r = measure(alpha: 0.20, seed: 3)
        XCTAssertLessThanOrEqual(r.fixed, 0.02)
        XCTAssertEqual(r.overlap, 0.36, accuracy: 0.15)
    }
}
