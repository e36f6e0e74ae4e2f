import CReverieSIMD
import XCTest
import ReverieKernel

final class DenseKernelsTests: XCTestCase {
    /// The fused pass is the two row-by-row loops bit for bit: h[i] += Σ_j x[j] W[j, i] with
    /// the rows added in order, and each row's dot product with y summed in order, for
    /// shapes with and without leftover rows and columns, AVX2 and baseline.
    func testProjectWithRowDotsIsTheRowByRowLoops() {
        defer { rv_force_baseline(0) }
        var rng = RandomStream(seed: 3)
        for (m, n) in [(1, 1), (4, 4), (7, 5), (100, 100), (131, 67), (9, 200)] {
            var w = DenseWeights(preCount: m, postCount: n)
            for k in w.weights.indices { w.weights[k] = rng.nextGaussian() }
            let x = (0..<m).map { _ in rng.nextGaussian() }, y = (0..<n).map { _ in rng.nextGaussian() }
            let h0 = (0..<n).map { _ in rng.nextGaussian() }
            var hRef = h0, dRef = [Double](repeating: 0, count: m)
            for j in 0..<m {
                for i in 0..<n { hRef[i] += w[pre: j, post: i] * x[j] }
                var s = 0.0
                for i in 0..<n { s += w[pre: j, post: i] * y[i] }
                dRef[j] = s
            }
            for baseline in [false, true] {
                rv_force_baseline(baseline ? 1 : 0)
                var h = h0, d = [Double](repeating: .nan, count: m)
                DenseKernels.project(w, x[...], into: &h, rowDotsWith: y, into: &d)
                XCTAssertEqual(h.map(\.bitPattern), hRef.map(\.bitPattern), "h, \(m)×\(n), baseline \(baseline)")
                XCTAssertEqual(d.map(\.bitPattern), dRef.map(\.bitPattern), "dots, \(m)×\(n), baseline \(baseline)")
            }
        }
    }
}
