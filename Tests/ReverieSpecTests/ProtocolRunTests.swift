import XCTest
import ReverieKernel
import ReverieModels
import ReverieSpec

final class ProtocolRunTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func run(_ overrides: [String], seed: UInt64? = nil) throws -> (RunReport, [PhaseResult], [TraceRecord]) {
        let spec = try ModelSpec.load(path: Self.repo.appendingPathComponent("models/hopfield-hebbian.yaml").path, overrides: overrides)
        let sink = Collector()
        let runner = try ModelRunner(model: spec, seed: seed, sinks: [sink])
        let report = try runner.run()
        XCTAssertTrue(sink.ended)
        return (report, runner.results, sink.records)
    }

    func testFlagshipModelRetrievesAndIsDeterministic() throws {
        let small = ["populations.memory.size=200", "patterns.memories.count=10"]
        let (a, ra, ta) = try run(small)
        XCTAssertEqual(ra[1].value("fraction_fixed_points"), 1)
        XCTAssertEqual(ra[2].value("mean_final_overlap")!, 1, accuracy: 0.01)
        let (_, rb, tb) = try run(small)
        XCTAssertEqual(ra[2].table, rb[2].table)
        XCTAssertEqual(ta, tb)
        let (c, rc, tc) = try run(small, seed: 77)
        XCTAssertNotEqual(ra[2].table, rc[2].table)
        XCTAssertNotEqual(ta, tc)
        XCTAssertEqual(a.seed, 1)
        XCTAssertEqual(c.seed, 77)
        // Phase markers bracket every phase, in order.
        XCTAssertEqual(ta.filter { $0.kind == .phase }.map { [$0.unit, $0.aux] }, [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]])
        XCTAssertEqual(ta.filter { $0.kind == .state }.count, a.flips)
    }
}

final class Collector: SimulationSink {
    var records: [TraceRecord] = []
    var ended = false
    func begin(_ run: RunDescription) {}
    func receive(_ r: UnsafeBufferPointer<TraceRecord>) { records.append(contentsOf: r) }
    func end() { ended = true }
}
