import Foundation
import ReverieKernel
import ReverieModels
@testable import ReverieSpec
import XCTest

final class SpikingModelTests: XCTestCase {
    static let benchmark = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models/brette-benchmark4.yaml").path
    let small = ["populations[0].size=400", "populations[1].size=100", "protocol[0].duration=300"]

    func spikes(seed: UInt64? = nil) throws -> (records: [TraceRecord], report: RunReport) {
        let sink = MemorySink()
        let runner = try ModelRunner(model: try ModelSpec.load(path: Self.benchmark, overrides: small), seed: seed, sinks: [sink])
        let report = try runner.run()
        return (sink.records.filter { $0.kind == .spike }, report)
    }

    /// The benchmark model runs from its file; the same seed gives the same
    /// spikes, another seed other spikes; units are numbered exc then inh.
    func testBenchmarkModelRunsReproducibly() throws {
        let (a, report) = try spikes(), (b, _) = try spikes(), (c, _) = try spikes(seed: 7)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertGreaterThan(a.count, 500)
        XCTAssertTrue(a.allSatisfy { $0.unit < 500 })
        let run = report.phases[0].summary
        XCTAssertEqual(run["exc.rate_hz"]!, 15, accuracy: 10)
        XCTAssertEqual(report.simulatedTime, 300, accuracy: 1e-9)
        XCTAssertEqual(run["spikes"], Double(a.count))
    }

    func testVoltageRecordingReportsStates() throws {
        let sink = MemorySink()
        let text = try String(contentsOfFile: Self.benchmark, encoding: .utf8)
            .replacingOccurrences(of: "    duration: 10000      # ms", with: "    duration: 10000\n    record_voltage: {population: inh, count: 3, every: 0.5}")
        let model = try loadModel(text, overrides: small)
        _ = try ModelRunner(model: model, sinks: [sink]).run()
        let states = sink.records.filter { $0.kind == .state }
        XCTAssertEqual(states.count, 3 * 600)
        XCTAssertEqual(Set(states.map(\.unit)), [400, 401, 402])
        XCTAssertTrue(states.allSatisfy { $0.value > -80 && $0.value < -50 }, "\(states.map(\.value).min()!) \(states.map(\.value).max()!)")
        XCTAssertEqual(sink.description?.populations.map(\.name), ["exc", "inh"])
        XCTAssertEqual(sink.description?.timeUnit, "ms")
    }

    /// Weights drawn per synapse from the run's seed; STDP starts them clipped to [0, w_max].
    func testWeightDistributions() throws {
        let text = try String(contentsOfFile: Self.benchmark, encoding: .utf8)
            .replacingOccurrences(of: "weight: 0.25, delay", with: "weight: {normal: [0.25, 0.05]}, delay")
            .replacingOccurrences(of: "weight: -2.25, delay", with: "weight: {uniform: [-3, -1.5]}, delay")
        let model = try loadModel(text, overrides: small)
        let a = try RunContext(model: model, seed: 1).network(SpikingFamily.self), b = try RunContext(model: model, seed: 1).network(SpikingFamily.self)
        let ee = a.projections[0].synapseWeights!.map(Double.init), ie = a.projections[2].synapseWeights!.map(Double.init)
        XCTAssertEqual(ee.count, 64 * 400)
        let mean = ee.reduce(0, +) / Double(ee.count)
        let sd = (ee.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(ee.count)).squareRoot()
        XCTAssertEqual(mean, 0.25, accuracy: 0.002)
        XCTAssertEqual(sd, 0.05, accuracy: 0.002)
        XCTAssertTrue(ie.allSatisfy { (-3...(-1.5)).contains($0) })
        XCTAssertEqual(a.projections[0].synapseWeights, b.projections[0].synapseWeights)
        XCTAssertNotEqual(a.projections[0].synapseWeights, a.projections[1].synapseWeights)
        let spikes = try ModelRunner(model: model).run().phases[0].summary.first { $0.key == "spikes" }!.value
        XCTAssertGreaterThan(spikes, 100)

        let plastic = text.replacingOccurrences(of: "projections:\n", with: "rules:\n  - {name: learn, type: stdp, w_max: 0.3}\nprojections:\n")
            .replacingOccurrences(of: "weight: {normal: [0.25, 0.05]}, delay: 0.125}", with: "weight: {normal: [0.25, 0.05]}, delay: 0.125, rule: learn}")
        let learning = try RunContext(model: try loadModel(plastic, overrides: small), seed: 1).network(SpikingFamily.self)
        let w = learning.weights(of: 0)!
        XCTAssertTrue(w.allSatisfy { (0...0.3).contains($0) })
        XCTAssertTrue(w.contains(0.3))
        for bad in ["{normal: [0.25]}", "{gauss: [0, 1]}", "{uniform: [1, 0]}", "{normal: [0, -1]}"] {
            XCTAssertThrowsError(try loadModel(text.replacingOccurrences(of: "{normal: [0.25, 0.05]}", with: bad), overrides: small), bad) {
                XCTAssertTrue("\($0)".contains("projections[0].weight"), "\($0)")
            }
        }
    }

    func testSpikingModelErrorsNameTheField() {
        let base = """
        name: s
        populations:
          - {name: src, model: poisson, size: 10, rate: 5}
          - {name: n, model: lif, size: 10}
        rules:
          - {name: learn, type: stdp}
        projections:
          - {name: p, from: src, to: n, connectivity: fixed_indegree, indegree: 3, weight: 0.5, delay: 1, rule: learn}
        protocol:
          - {phase: run, duration: 10}
        """
        XCTAssertNoThrow(try loadModel(base))
        let cases: [(String, String)] = [
            ("projections[0].to=src", "projections[0].to"),
            ("projections[0].indegree=11", "projections[0].indegree"),
            ("projections[0].delay=0", "projections[0].delay"),
            ("projections[0].rule=nothing", "projections[0].rule"),
            ("populations[1].v_reset=-40", "populations[1].v_reset"),
            ("populations[1].v_init=[-60, -40]", "populations[1].v_init"),
            ("populations[0].rate=-1", "populations[0].rate"),
            ("protocol[0].duration=soon", "protocol[0].duration"),
            ("spiking.queue=fast", "spiking.queue"),
            ("populations[1].tau_m=0.0001", "populations[1].tau_m"),
            ("rules[0].w_max=0", "rules[0].w_max"),
            ("projections[0].weight=2", "projections[0].weight"),
        ]
        XCTAssertThrowsError(try loadModel(base, overrides: ["populations[0].size=50000", "populations[1].size=50000",
                                                              "projections[0].connectivity=all_to_all"])) { error in
            XCTAssertTrue("\(error)".contains("projections[0]") && "\(error)".contains("synapses per projection"), "\(error)")
        }
        for (override, path) in cases {
            XCTAssertThrowsError(try loadModel(base, overrides: [override]), override) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains(path), "\(override): \(text)")
                XCTAssertTrue(text.hasPrefix("--set \(override): "), "\(override): \(text)")
            }
        }
    }
}
