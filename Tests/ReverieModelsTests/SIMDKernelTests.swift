import XCTest
import CReverieSIMD
import ReverieKernel

/// The C inner loops, with and without AVX2, are bit-identical to the plain loops.
final class SIMDKernelTests: XCTestCase {
    func testFanoutAndAccumulateMatchPlainLoopsBitForBit() {
        var rng = RandomStream(seed: 12)
        let n = 1003  // not a multiple of the vector width
        let w = (0..<(4 * n)).map { _ in (rng.nextUnit() - 0.5) / 7 }
        let h0 = (0..<n).map { _ in (rng.nextUnit() - 0.5) / 3 }
        let watched = (0..<n).map { _ in [1.0, -1.0, 0.0][rng.nextInt(below: 3)] }
        var expected = h0
        var change = 0
        for k in 0..<n {
            let old = expected[k], new = old + w[k] * -2.0
            expected[k] = new
            change += (watched[k] * new < 0 ? 1 : 0) - (watched[k] * old < 0 ? 1 : 0)
        }
        var expected4 = h0
        for k in 0..<n {
            expected4[k] += (w[k] * 0.5 + w[n + k] * -1.5) + (w[2 * n + k] * 2 + w[3 * n + k] * -0.25)
        }
        defer { rv_force_baseline(0) }
        for baseline: Int32 in [0, 1] {
            rv_force_baseline(baseline)
            var h = h0
            let c = rv_fanout_dense(&h, w, watched, -2.0, Int64(n))
            XCTAssertEqual(Int(c), change)
            XCTAssertEqual(h.map(\.bitPattern), expected.map(\.bitPattern))
            var h4 = h0
            w.withUnsafeBufferPointer { p in
                let b = p.baseAddress!
                rv_accumulate4(&h4, b, b + n, b + 2 * n, b + 3 * n, 0.5, -1.5, 2, -0.25, Int64(n))
            }
            XCTAssertEqual(h4.map(\.bitPattern), expected4.map(\.bitPattern))
        }
    }
}
