import XCTest
import Foundation
import ReverieKernel
import ReverieModels
import ReverieSpec
import ReverieTraces

/// A `model: trace` population replays a recorded run's state changes into a new network.
final class TraceDrivenPopulationTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-driven-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Hebbian memory relaxing once from a random state (Poisson clocks: continuous times), recorded.
    func recordSource() throws -> String {
        let model = try write("source.yaml", """
            name: source
            seed: 3
            dynamics: {order: poisson}
            populations: [{name: memory, size: 80}]
            projections: [{name: rec, from: memory, to: memory}]
            rules: [{name: hebb, type: hebbian}]
            patterns: [{name: mems, population: memory, count: 4}]
            protocol:
              - {phase: learn, patterns: mems, projection: rec, rule: hebb}
              - {phase: run, start: random, population: memory}
            """)
        let trace = dir.appendingPathComponent("source.rvt").path
        _ = try ModelRunner(model: try ModelSpec.load(path: model), sinks: [TraceRecorderSink(path: trace)]).run()
        return trace
    }

    func drivenModel(populations: String) throws -> String {
        try write("driven.yaml", """
            name: driven
            seed: 5
            populations:
            \(populations)
              - {name: follower, size: 30}
            projections: [{name: feed, from: replayed, to: follower, initial_weight: 0.01}]
            protocol:
              - {phase: run}
            """)
    }

    /// A replay that starts late (time_offset 10⁷ sweeps) costs the same work as one that
    /// starts at once: the follower's sweep clock does not tick through the idle stretch.
    func testIdleTimeBeforeTheReplayCostsNoWork() throws {
        _ = try recordSource()
        func updates(offset: Double) throws -> (updates: Int, flips: Int) {
            let path = try drivenModel(populations: "  - {name: replayed, model: trace, size: 80, trace: source.rvt, time_offset: \(offset)}")
            let runner = try ModelRunner(model: try ModelSpec.load(path: path))
            let report = try runner.run()
            XCTAssertGreaterThanOrEqual(report.simulatedTime, offset)
            return (report.unitUpdates, report.flips)
        }
        let now = try updates(offset: 0), late = try updates(offset: 1e7)
        XCTAssertGreaterThan(now.flips, 0)
        XCTAssertLessThan(late.updates, 10 * now.updates + 1000, "updates grew with the idle time: \(now) vs \(late)")
    }

    func testRecordedStateChangesDriveANewNetworkExactly() throws {
        let source = try TraceFile(path: try recordSource())
        let recorded = source.allRecords().filter { $0.kind == .state }
        XCTAssertGreaterThan(recorded.count, 10)
        let path = try drivenModel(populations: "  - {name: replayed, model: trace, size: 80, trace: source.rvt}")
        let seen = MemorySink()
        let runner = try ModelRunner(model: try ModelSpec.load(path: path), sinks: [seen])
        _ = try runner.run()
        // The replayed population goes through exactly the recorded changes, at the recorded times.
        let replayed = seen.records.filter { $0.kind == .state && $0.unit < 80 }
        XCTAssertEqual(replayed, recorded)
        // Its final state is the source's final state, and every Δs reached the follower: h_i = w Σ_j s_j.
        let net = runner.context.network(BinaryFamily.self)
        var final = [Double](repeating: 0, count: 80)
        let first = try TraceSource(node: try ModelSpec.load(path: path).populations[0].node, size: 80, baseDirectory: dir)
        for k in 0..<80 { final[k] = first.initialState[k] }
        for r in recorded { final[Int(r.unit)] = r.value }
        XCTAssertEqual(Array(net.state[0..<80]), final)
        let expected = 0.01 * final.reduce(0, +)
        for i in 80..<110 { XCTAssertEqual(net.field[i], expected, accuracy: 1e-12) }
    }

    func testBadTraceSourcesAreModelErrors() throws {
        _ = try recordSource()
        func message(_ line: String) -> String {
            do { _ = try ModelSpec.load(path: try drivenModel(populations: line)); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(message("  - {name: replayed, model: trace, size: 80, trace: missing.rvt}")
            .contains("populations[0].trace: expected an intact Reverie trace (cannot open"))
        XCTAssertTrue(message("  - {name: replayed, model: trace, size: 80, trace: driven.yaml}")
            .contains("is not a Reverie trace"))
        XCTAssertTrue(message("  - {name: replayed, model: trace, size: 81, trace: source.rvt}")
            .contains("populations[0].size: expected 80, the size of population memory"))
        XCTAssertTrue(message("  - {name: replayed, model: trace, size: 80, trace: source.rvt, source: cortex}")
            .contains("populations[0].source: expected one of memory"))
        XCTAssertTrue(message("  - {name: replayed, model: trace, size: 80}").contains("populations[0].trace: expected the path of a recorded trace"))
        XCTAssertTrue(message("  - {name: replayed, size: 80, trace: source.rvt}").contains("unknown field \"trace\""))
    }
}
