import XCTest
import ReverieKernel
import ReverieModels
import ReverieSONATA
import ReverieSpec
import ReverieTraces

/// A recorded spiking run exported to SONATA: the spike file holds the trace's
/// spikes, the report its sampled potentials on their time grid.
final class SONATATraceExportTests: XCTestCase {
    func testSpikesAndVoltagesOfATraceAreExported() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let spec = try ModelSpec.load(path: TemporaryDirectory.repo.appendingPathComponent("models/brette-benchmark4.yaml").path, overrides: [
            "populations[0].size=80", "populations[1].size=20", "protocol[0].duration=40",
            "protocol[0].record_voltage={population: inh, count: 3, every: 0.25}"])
        _ = try ModelRunner(model: spec, sinks: [TraceRecorderSink(path: dir.file("b4.rvt"))]).run()
        let trace = try TraceFile(path: dir.file("b4.rvt"))
        let summary = try SONATATraceExport(trace: trace).write(to: dir.file("out"))
        XCTAssertEqual(summary.stopTime, 40)

        let records = trace.allRecords()
        let spikes = try SONATASpikes.read(path: dir.file("out/spikes.h5"))
        XCTAssertEqual(spikes.populations.map(\.name), ["exc", "inh"])
        for (p, pop) in zip(spikes.populations, trace.header.run.populations) {
            let mine = records.filter { $0.kind == .spike && $0.unit >= pop.firstID && $0.unit < pop.firstID + UInt32(pop.size) }
            XCTAssertGreaterThan(mine.count, 0)
            XCTAssertEqual(p.nodeIDs, mine.map { UInt64($0.unit - pop.firstID) })
            XCTAssertEqual(p.timestamps, mine.map(\.time.value))
            XCTAssertEqual(p.sorting, .byTime)
        }

        let report = try SONATAReport.read(path: dir.file("out/voltage.h5"))
        XCTAssertEqual(report.populations.map(\.name), ["inh"])
        let v = report.populations[0]
        let states = records.filter { $0.kind == .state }
        XCTAssertEqual(v.nodeIDs, [0, 1, 2])
        XCTAssertEqual([v.start, v.stop, v.step], [0, 40, 0.25])
        XCTAssertEqual(v.frames * 3, states.count)
        XCTAssertEqual(v.data, states.map { Float($0.value) }, "frames in time order, units in id order, as recorded")
        XCTAssertEqual(v.dataUnits, "mV")

        let network = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("out/simulation_config.json")))) as? [String: Any]
        XCTAssertEqual((network?["run"] as? [String: Any])?["tstop"] as? Double, 40)
        XCTAssertEqual(Set(summary.files), Set(try FileManager.default.contentsOfDirectory(atPath: dir.file("out"))))

        // A second export gives the same bytes.
        _ = try SONATATraceExport(trace: trace).write(to: dir.file("again"))
        for name in ["spikes.h5", "voltage.h5", "nodes.h5", "circuit_config.json"] {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir.file("out/" + name))),
                           try Data(contentsOf: URL(fileURLWithPath: dir.file("again/" + name))), name)
        }
    }
}
