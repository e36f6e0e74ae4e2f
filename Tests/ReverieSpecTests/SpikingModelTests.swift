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
    static let cuba = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models/cuba-vogels-abbott.yaml").path

    /// The CUBA model builds lif-exp units with its parameters and draws one
    /// delay per synapse on the 0.1 ms grid in [0.1, 1.0], the same for the same
    /// seed; the slot is the shortest delay, the ring spans the longest.
    func testCUBAModelDrawsDelaysPerSynapse() throws {
        let shrink = ["populations[0].size=400", "populations[1].size=100"]
        func build(_ seed: UInt64) throws -> SpikingNetwork {
            try RunContext(model: try ModelSpec.load(path: Self.cuba, overrides: shrink), seed: seed).network(SpikingFamily.self)
        }
        let net = try build(1), again = try build(1), other = try build(2)
        XCTAssertEqual(net.populations[0].lifExp, LIFExpParameters(tauM: 20, eL: -49, vTh: -50, vReset: -60, tRef: 5, cM: 200,
                                                                   tauSynEx: 5, tauSynIn: 10))
        let delays = net.projections.flatMap { $0.synapseDelays! }
        XCTAssertGreaterThan(delays.count, 3000)
        XCTAssertTrue(delays.allSatisfy { d in (1...10).contains { Double($0) * 0.1 == d } }, "every delay k × 0.1 ms, k = 1…10")
        XCTAssertEqual(Set(delays).count, 10)
        XCTAssertEqual(delays, again.projections.flatMap { $0.synapseDelays! })
        XCTAssertNotEqual(delays, other.projections.flatMap { $0.synapseDelays! })
        XCTAssertEqual(net.slotWidth, 0.1)
        XCTAssertEqual(net.projections.map(\.maxDelay).max(), 1.0)
        // Each row's synapses are sorted by delay: one delay group per distinct delay.
        for p in net.projections {
            XCTAssertEqual(p.groupDelay.count, (0..<p.rows.preCount).reduce(0) { n, j in
                n + Set(p.synapseDelays![p.rows.rowStart[j]..<p.rows.rowStart[j + 1]]).count })
        }
        let sink = MemorySink()
        let report = try ModelRunner(model: try ModelSpec.load(path: Self.cuba, overrides: shrink + ["protocol[0].duration=200"]),
                                     sinks: [sink]).run()
        XCTAssertGreaterThan(sink.records.filter { $0.kind == .spike }.count, 100)
        XCTAssertEqual(report.phases[0].summary["exc.rate_hz"]!, 12, accuracy: 10)
    }

    /// Errors in lif-exp units and delay distributions name the field.
    func testLIFExpAndDelayErrorsNameTheField() throws {
        let base = """
        reverie: 1
        name: t
        populations:
          - {name: src, model: poisson, size: 10, rate: 5}
          - {name: n, model: lif-exp, size: 4, tau_syn_ex: 5, tau_syn_in: 10}
        projections:
          - {name: p, from: src, to: n, connectivity: fixed_indegree, indegree: 3, weight: 50, delay: DELAY}
        protocol:
          - {phase: run, duration: 10}
        """
        func model(delay: String) -> String { base.replacingOccurrences(of: "DELAY", with: delay) }
        XCTAssertNoThrow(try loadModel(model(delay: "{uniform: [0.1, 1.0], step: 0.1}")))
        XCTAssertNoThrow(try loadModel(model(delay: "{normal: [1, 0.3], min: 0.2, step: 0.1}")))
        XCTAssertNoThrow(try loadModel(model(delay: "0.5")))
        for (delay, expected) in [("{uniform: [1, 0.5]}", "a number ≥ 1"), ("{uniform: [0.12, 0.18], step: 0.1}", "a multiple of step"),
                                  ("{normal: [1, 0.3]}", "min"), ("{gamma: [1, 2]}", "gamma"), ("{uniform: [0.1, 1], min: 0.2}", "no min"),
                                  ("{uniform: [0.1, 1], normal: [1, 2]}", "optionally with step"), ("{uniform: [0.1]}", "two numbers")] {
            XCTAssertThrowsError(try loadModel(model(delay: delay)), delay) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("projections[0].delay") && text.contains(".yaml") && text.contains(expected), "\(delay): \(text)")
            }
        }
        let cases: [(String, String)] = [
            ("populations[1].tau_syn_ex=0", "populations[1].tau_syn_ex"),
            ("populations[1].tau_syn_in=-1", "populations[1].tau_syn_in"),
            ("populations[1].t_ref=0", "populations[1].t_ref"),
            ("populations[1].v_reset=-40", "populations[1].v_reset"),
            ("populations[1].tau_sin_ex=3", "populations[1]"),
            ("projections[0].to=src", "projections[0].to"),
        ]
        for (override, path) in cases {
            XCTAssertThrowsError(try loadModel(model(delay: "1"), overrides: [override]), override) { error in
                let text = "\(error)"
                // A bad value set by --set names the override; an unknown key it adds is the model's (its file).
                let source = override.hasPrefix("populations[1].tau_sin") ? text.contains(".yaml") : text.hasPrefix("--set \(override): ")
                XCTAssertTrue(text.contains(path) && source, "\(override): \(text)")
            }
        }
    }
}
