import XCTest
import Foundation
import ReverieKernel
import ReverieModels
import ReverieSpec
import ReverieTraces

/// A `model: spike-trace` population replays the spikes of a recorded spiking run.
final class SpikeTracePopulationTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testRecordedSpikesDriveANewNetworkExactly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-spikes-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let trace = dir.appendingPathComponent("b4.rvt").path
        let source = try ModelSpec.load(path: Self.repo.appendingPathComponent("models/brette-benchmark4.yaml").path, overrides: [
            "populations[0].size=400", "populations[1].size=100", "protocol[0].duration=100"])
        _ = try ModelRunner(model: source, sinks: [TraceRecorderSink(path: trace, streams: .spikes)]).run()
        let recorded = try TraceFile(path: trace).allRecords().filter { $0.kind == .spike && $0.unit >= 400 }
        XCTAssertGreaterThan(recorded.count, 20)

        let model = dir.appendingPathComponent("replay.yaml").path
        try """
            name: replay
            populations:
              - {name: inh, model: spike-trace, size: 100, trace: b4.rvt, source: inh, time_offset: 5}
              - {name: n, model: lif, size: 10}
            projections:
              - {name: p, from: inh, to: n, connectivity: all_to_all, weight: -1, delay: 1}
            protocol:
              - {phase: run, duration: 120}
            """.write(toFile: model, atomically: true, encoding: .utf8)
        let seen = MemorySink()
        let report = try ModelRunner(model: try ModelSpec.load(path: model), sinks: [seen]).run()
        let replayed = seen.records.filter { $0.kind == .spike && $0.unit < 100 }
        XCTAssertEqual(replayed.map(\.unit), recorded.map { $0.unit - 400 })
        XCTAssertEqual(replayed.map(\.time.value), recorded.map { $0.time.value + 5 })
        XCTAssertEqual(report.synapticEvents, recorded.filter { $0.time.value + 5 + 1 < 120 }.count * 10)

        // A trace without the spikes stream, and a size that does not match, are named errors.
        let states = dir.appendingPathComponent("states.rvt").path
        _ = try ModelRunner(model: source, sinks: [TraceRecorderSink(path: states, streams: .phases)]).run()
        for (override, expected) in [("populations[0].trace=states.rvt", "spikes stream"), ("populations[0].size=99", "100")] {
            XCTAssertThrowsError(try ModelSpec.load(path: model, overrides: [override])) { error in
                XCTAssertTrue("\(error)".contains(expected) && "\(error)".contains("populations[0]"), "\(error)")
            }
        }
    }
}
