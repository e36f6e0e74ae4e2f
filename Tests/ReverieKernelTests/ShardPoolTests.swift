import XCTest
import ReverieKernel

final class ShardPoolTests: XCTestCase {
    /// Every shard runs once per round, on distinct threads, and the round ends only when all have.
    func testRoundsRunEveryShardOnceAndWaitForAll() {
        for count in [1, 2, 3] {
            let pool = ShardPool(count: count)
            final class Box: @unchecked Sendable { var hits: [Int]; init(_ n: Int) { hits = Array(repeating: 0, count: n) } }
            let box = Box(count)
            for round in 1...2000 {
                pool.run { k in box.hits[k] += 1 }
                XCTAssertEqual(box.hits, Array(repeating: round, count: count))
                if box.hits != Array(repeating: round, count: count) { return }
            }
        }
    }
}
