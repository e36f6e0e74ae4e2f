import XCTest
import ReverieKernel
import ReverieModels
import ReverieSpec

/// Populations of different families in one model: spike sources driving
/// binary units through the engine's links.
final class MixedFamilyTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A spike at t = 5 reaches its target at 5 + delay and lifts its field by w
    /// for exactly `pulse` time units; the target follows at its next tick.
    func testASpikeLiftsItsTargetsFieldForThePulse() throws {
        let model = try loadModel("""
            name: pulse
            dynamics: {order: poisson, rate: 1000}
            populations:
              - {name: source, model: spike-times, size: 2, times: [5]}
              - {name: unit, model: binary, size: 2}
            projections:
              - {name: drive, from: source, to: unit, connectivity: one_to_one, weight: -0.5, delay: 1, pulse: 2}
            protocol:
              - {phase: run, duration: 20}
            """)
        let context = try RunContext(model: model, seed: 1)
        let net = context.network(BinaryFamily.self)
        XCTAssertEqual(net.state, [1, 1])
        func field(at t: Double) -> [Double] {
            context.advance(net, until: SimTime(t))
            return net.field
        }
        XCTAssertEqual(field(at: 5.9), [0, 0])
        XCTAssertEqual(field(at: 6.5), [-0.5, -0.5])
        XCTAssertEqual(net.state, [-1, -1], "at 1000 updates per unit and time unit both units flipped within 0.5")
        XCTAssertEqual(field(at: 7.99), [-0.5, -0.5])
        XCTAssertEqual(field(at: 8.01), [0, 0])
        XCTAssertEqual(net.state, [-1, -1], "h = 0 keeps the state")
    }

    /// models/spike-cued-recall.yaml: with the cue on, a random start falls into the cued
    /// pattern; with the cue silent it does not; and the run is reproducible to the byte.
    func testSpikeCuedRecallRetrievesTheCuedPattern() throws {
        let path = Self.repo.appendingPathComponent("models/spike-cued-recall.yaml").path
        func run(_ overrides: [String]) throws -> (PhaseResult, [TraceRecord]) {
            let sink = MemorySink()
            let runner = try ModelRunner(model: try ModelSpec.load(path: path, overrides: overrides), sinks: [sink])
            _ = try runner.run()
            return (runner.results.last!, sink.records)
        }
        let (cued, records) = try run([])
        XCTAssertEqual(cued.value("closest_pattern"), 0)
        XCTAssertGreaterThan(cued.value("max_abs_overlap")!, 0.95)
        XCTAssertGreaterThan(cued.value("cue.rate_hz")!, 30)
        XCTAssertEqual(try run([]).1, records)
        let (silent, _) = try run(["populations[0].rate=0"])
        XCTAssertNotEqual(silent.value("closest_pattern"), 0)
        XCTAssertEqual(silent.value("cue.rate_hz"), 0)
    }

    func testLinksNeedSpikingSourcesADelayAndAPulse() throws {
        func message(_ projection: String) -> String {
            do {
                _ = try loadModel("""
                    name: bad
                    populations:
                      - {name: source, model: poisson, size: 2, rate: 10}
                      - {name: unit, model: binary, size: 2}
                      - {name: other, model: binary, size: 2}
                    projections:
                      - \(projection)
                    protocol:
                      - {phase: run, duration: 20}
                    """)
                return "no error"
            } catch { return "\(error)" }
        }
        XCTAssertTrue(message("{from: source, to: unit, connectivity: one_to_one, weight: 1, pulse: 2}").contains("projections[0].delay"))
        XCTAssertTrue(message("{from: source, to: unit, connectivity: one_to_one, weight: 1, delay: 1}").contains("projections[0].pulse"))
        XCTAssertTrue(message("{from: unit, to: source, connectivity: one_to_one, weight: 1, delay: 1}").contains("projections[0].from"))
        XCTAssertTrue(message("{from: source, to: unit, connectivity: dense, weight: {pattern: p}, delay: 1, pulse: 1}").contains("projections[0].weight"))
    }
}
