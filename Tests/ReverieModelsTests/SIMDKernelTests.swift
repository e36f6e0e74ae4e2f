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

    /// The fused rank-1 pass equals the row-by-row loop bit for bit, with and without
    /// AVX2, self-synapses kept or not, at every alignment of the weights and sizes
    /// that are and are not multiples of the vector width and the four-row block.
    func testRankOneProjectMatchesRowByRowLoopBitForBit() {
        var rng = RandomStream(seed: 21)
        defer { rv_force_baseline(0) }
        for n in [7, 13, 40] {
            let u = (0..<n).map { _ in (rng.nextUnit() - 0.5) / 50 }
            let a = (0..<n).map { _ in rng.nextSpin() }, s = (0..<n).map { _ in rng.nextSpin() }
            let w0 = (0..<(n * n + 3)).map { _ in (rng.nextUnit() - 0.5) / 7 }
            for skip in [false, true] {
                for offset in 0..<4 {
                    var expected = w0, hExpected = [Double](repeating: 0.25, count: n)
                    for j in 0..<n {
                        for k in 0..<n {
                            let x = skip && k == j ? expected[offset + j * n + k] : expected[offset + j * n + k] + u[k] * a[j]
                            expected[offset + j * n + k] = x
                            hExpected[k] += x * s[j]
                        }
                    }
                    for baseline: Int32 in [0, 1] {
                        rv_force_baseline(baseline)
                        var w = w0, h = [Double](repeating: 0.25, count: n)
                        w.withUnsafeMutableBufferPointer { wb in
                            rv_rank1_project(wb.baseAddress! + offset, Int64(n), Int64(n), u, a, s, &h, skip ? 1 : 0)
                        }
                        XCTAssertEqual(w.map(\.bitPattern), expected.map(\.bitPattern), "n \(n) skip \(skip) offset \(offset)")
                        XCTAssertEqual(h.map(\.bitPattern), hExpected.map(\.bitPattern), "n \(n) skip \(skip) offset \(offset)")
                    }
                }
            }
        }
    }

    /// Delivery without a running count, split at the aligned element, equals the plain loop.
    func testAxpyMatchesPlainLoopAtEveryAlignment() {
        var rng = RandomStream(seed: 5)
        let n = 37
        let w = (0..<(n + 3)).map { _ in rng.nextUnit() - 0.5 }, h0 = (0..<n).map { _ in rng.nextUnit() }
        defer { rv_force_baseline(0) }
        for offset in 0..<4 {
            let expected = (0..<n).map { h0[$0] + w[offset + $0] * -2 }
            for baseline: Int32 in [0, 1] {
                rv_force_baseline(baseline)
                var h = h0
                w.withUnsafeBufferPointer { rv_axpy(&h, $0.baseAddress! + offset, -2, Int64(n)) }
                XCTAssertEqual(h.map(\.bitPattern), expected.map(\.bitPattern))
            }
        }
    }

    /// The fields of a state, four rows per pass, equal the row-by-row loop bit for bit.
    func testProjectMatchesRowByRowLoopBitForBit() {
        var rng = RandomStream(seed: 8)
        defer { rv_force_baseline(0) }
        for (m, n) in [(7, 13), (40, 40), (9, 6)] {
            let w0 = (0..<(m * n + 3)).map { _ in (rng.nextUnit() - 0.5) / 3 }
            let x = (0..<m).map { _ in rng.nextSpin() }
            for offset in 0..<4 {
                var expected = [Double](repeating: 0.5, count: n)
                for j in 0..<m { for k in 0..<n { expected[k] += w0[offset + j * n + k] * x[j] } }
                for baseline: Int32 in [0, 1] {
                    rv_force_baseline(baseline)
                    var h = [Double](repeating: 0.5, count: n)
                    w0.withUnsafeBufferPointer { rv_project($0.baseAddress! + offset, Int64(m), Int64(n), x, &h) }
                    XCTAssertEqual(h.map(\.bitPattern), expected.map(\.bitPattern), "m \(m) n \(n) offset \(offset)")
                }
            }
        }
    }
    /// The lif-exp candidate scan: AVX2 and baseline find the same units, those
    /// whose bound (computed one by one) reaches theta, refractory ones (u = −∞) never.
    func testCurrentCandidateScanMatchesTheBoundUnitByUnit() {
        var rng = RandomStream(seed: 11)
        let n = 1003
        var u = (0..<n).map { _ in -20 + 30 * rng.nextUnit() }, xe = (0..<n).map { _ in 400 * rng.nextUnit() }
        let xi = (0..<n).map { _ in -800 * rng.nextUnit() }
        for k in stride(from: 0, to: n, by: 7) { u[k] = -.infinity }
        let coef = (0..<21).map { k -> Double in
            switch k {
            case 0, 1: return 0.9 + 0.05 * Double(k)       // membrane factors
            case 2...7: return -0.002 * (1 + 0.01 * Double(k))
            case 12, 13: return -0.045
            case 14...19: return 0.0004 * (1 + 0.01 * Double(k))
            case 20: return 0.1
            default: return 1
            }
        }
        let theta = -1.0
        let expected = (0..<n).filter { k in coef.withUnsafeBufferPointer { c in rv_lifexp_bound(u[k], xe[k], xi[k], c.baseAddress!) } >= theta }
        XCTAssertTrue(expected.count > 10 && expected.count < n - 10, "\(expected.count)")
        XCTAssertTrue(expected.allSatisfy { u[$0] != -.infinity })
        defer { rv_force_baseline(0) }
        for baseline: Int32 in [0, 1] {
            rv_force_baseline(baseline)
            var out = [Int64](repeating: -1, count: n)
            let m = coef.withUnsafeBufferPointer { c in
                Int(rv_lifexp_find(u, xe, xi, Int64(n), c.baseAddress!, theta, &out))
            }
            XCTAssertEqual(out[0..<m].map { Int($0) }, expected, "baseline \(baseline)")
        }
    }
}
