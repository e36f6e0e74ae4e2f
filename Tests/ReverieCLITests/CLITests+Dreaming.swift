import XCTest
import Foundation

/// `reverie-bench unlearning` end to end, without peers: the fast path with one dream
/// per pass writes the engine's couplings bit for bit (the checksum line), the other
/// modes run and say what they are.
extension CLITests {
    func testUnlearningBenchFastPathMatchesTheEngine() throws {
        let common = ["unlearning", "--n", "60", "--alpha", "0.2", "--check-every", "50", "--max-dreams", "400", "--no-peer"]
        func checksum(_ out: String) -> String? {
            out.split(separator: "\n").first { $0.contains("final couplings checksum") }.map(String.init)
        }
        let (engine, _) = try bench(common + ["--engine"])
        let (fast, _) = try bench(common)
        XCTAssertTrue(engine.contains(", engine;") && fast.contains("fast path, lazy rank 1"), engine + fast)
        XCTAssertNotNil(checksum(engine), engine)
        XCTAssertEqual(checksum(engine), checksum(fast))
        let (lazy, _) = try bench(common + ["--lazy-rank", "8"])
        XCTAssertTrue(lazy.contains("fast path, lazy rank 8") && lazy.contains("% of the limit"), lazy)
        let (float, _) = try bench(common + ["--float32"])
        XCTAssertTrue(float.contains("fast path, float couplings"), float)
        let (integer, _) = try bench(common + ["--integer"])
        XCTAssertTrue(integer.contains("fast path, integer couplings"), integer)
        let (refused, _) = try bench(common + ["--integer", "--epsilon", "0.03"])
        XCTAssertTrue(refused.contains("fast path, lazy rank 1"), refused)
        let (_, err) = try reverie(common + ["--float32", "--lazy-rank", "4"], expectStatus: 64, executable: Self.executable("reverie-bench"))
        XCTAssertTrue(err.contains("--float32"), err)
    }
}
