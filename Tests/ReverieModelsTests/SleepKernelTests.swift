import XCTest
import ReverieKernel
import ReverieModels

final class SleepKernelTests: XCTestCase {
    let n = 60
    func patterns(_ p: Int, seed: UInt64 = 1) -> PatternSet {
        var rng = RandomStream(seed: seed)
        return PatternSet.random(count: p, size: n, rng: &rng)
    }

    func testSleepTimeZeroIsHebb() throws {
        let xi = patterns(9)
        let j = try XCTUnwrap(SleepKernel.couplings(patterns: xi, sleepTime: 0, zeroDiagonal: true))
        let hebb = xi.hebbianCouplings()
        for k in j.weights.indices { XCTAssertEqual(j.weights[k], hebb.weights[k], accuracy: 1e-12) }
    }

    /// At large t the kernel is the projector: J ξ^μ = ξ^μ, J² = J, and it equals t = ∞ to 1e-6.
    func testLargeSleepTimeIsTheProjector() throws {
        let xi = patterns(30)
        let large = try XCTUnwrap(SleepKernel.couplings(patterns: xi, sleepTime: 1e9, zeroDiagonal: false))
        let proj = try XCTUnwrap(SleepKernel.couplings(patterns: xi, sleepTime: .infinity, zeroDiagonal: false))
        for k in large.weights.indices { XCTAssertEqual(large.weights[k], proj.weights[k], accuracy: 1e-6) }
        for mu in 0..<xi.count {
            for i in 0..<n {
                var h = 0.0
                for j in 0..<n { h += proj[pre: j, post: i] * xi.values[mu * n + j] }
                XCTAssertEqual(h, xi.values[mu * n + i], accuracy: 1e-9)
            }
        }
        for i in 0..<n {
            for k in 0..<n {
                var sq = 0.0
                for j in 0..<n { sq += proj[pre: j, post: i] * proj[pre: k, post: j] }
                XCTAssertEqual(sq, proj[pre: k, post: i], accuracy: 1e-9)
            }
        }
    }

    /// J(t) solves dJ/dt = (J − J²)/(1 + t) (central differences).
    func testKernelSolvesTheSleepODE() throws {
        let xi = patterns(12)
        let t = 2.0, dt = 1e-4
        let j = try XCTUnwrap(SleepKernel.couplings(patterns: xi, sleepTime: t, zeroDiagonal: false))
        let jp = try XCTUnwrap(SleepKernel.couplings(patterns: xi, sleepTime: t + dt, zeroDiagonal: false))
        let jm = try XCTUnwrap(SleepKernel.couplings(patterns: xi, sleepTime: t - dt, zeroDiagonal: false))
        for i in 0..<n {
            for k in 0..<n {
                var sq = 0.0
                for l in 0..<n { sq += j[pre: l, post: i] * j[pre: k, post: l] }
                let rhs = (j[pre: k, post: i] - sq) / (1 + t)
                XCTAssertEqual((jp[pre: k, post: i] - jm[pre: k, post: i]) / (2 * dt), rhs, accuracy: 1e-8)
            }
        }
    }

    func testCholeskySolvesAndRejectsIndefinite() throws {
        let a = [4.0, 2, 0.6, 2, 5, 1, 0.6, 1, 3]
        let chol = try XCTUnwrap(CholeskyFactorization(a, size: 3))
        var b = [1.0, 2, 3, -1, 0.5, 2]  // 3 × 2
        let original = b
        chol.solve(&b, columns: 2)
        for r in 0..<3 {
            for c in 0..<2 {
                var s = 0.0
                for k in 0..<3 { s += a[r * 3 + k] * b[k * 2 + c] }
                XCTAssertEqual(s, original[r * 2 + c], accuracy: 1e-12)
            }
        }
        XCTAssertNil(CholeskyFactorization([1, 2, 2, 1], size: 2))
    }
}
