import XCTest
import ReverieKernel

final class RandomStreamTests: XCTestCase {
    func testSameSeedSameNumbersDifferentSeedDifferentNumbers() {
        var a = RandomStream(seed: 42), b = RandomStream(seed: 42), c = RandomStream(seed: 43)
        let xa = (0..<100).map { _ in a.next() }
        XCTAssertEqual(xa, (0..<100).map { _ in b.next() })
        XCTAssertNotEqual(xa, (0..<100).map { _ in c.next() })
        var s1 = RandomStream(seed: 42, stream: 1)
        XCTAssertNotEqual(xa, (0..<100).map { _ in s1.next() })
    }

    func testUniformIntegersAndExponentialMoments() {
        var r = RandomStream(seed: 7)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[r.nextInt(below: 6)] += 1 }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 400) }  // > 4 sigma
        var sum = 0.0
        for _ in 0..<100_000 { sum += r.nextExponential(rate: 4) }
        XCTAssertEqual(sum / 100_000, 0.25, accuracy: 0.005)
    }

    /// The array shuffle (in C) is the generic Fisher–Yates: the same permutations and the
    /// stream left in the same state, for sizes 0 to 300.
    func testArrayShuffleIsTheGenericShuffle() {
        var a = RandomStream(seed: 11, stream: 3), b = a
        for n in 0...300 {
            var x = Array(0..<n), y = ContiguousArray(0..<n)
            a.shuffle(&x)
            b.shuffle(&y)
            XCTAssertEqual(x, Array(y), "n = \(n)")
            XCTAssertEqual(a.next(), b.next(), "n = \(n)")
        }
    }
}
