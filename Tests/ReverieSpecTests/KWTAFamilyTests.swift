import XCTest
import ReverieKernel
import ReverieModels
import ReverieSpec

/// The family in KWTAFamily/ joins the engine with one registry line.
final class KWTAFamilyTests: XCTestCase {
    let registry = Registry.standard.adding(FamilyEntry(KWTAFamily.self))

    func model(k: Int = 10, _ extra: String = "") throws -> ModelSpec {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-kwta-\(UUID().uuidString).yaml")
        try """
            name: kwta
            populations:
              - {name: strong, model: poisson, size: 10, rate: 100}
              - {name: weak, model: poisson, size: 10, rate: 5}
              - {name: layer, model: kwta, size: 20, k: \(k)\(extra)}
            projections:
              - {name: s, from: strong, to: layer, delay: 1}
              - {name: w, from: weak, to: layer, delay: 1, offset: 10}
            protocol:
              - {phase: run, duration: 500}
            """.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try ModelSpec.load(path: url.path, registry: registry)
    }

    func testALayerOfAnotherFamilyRunsThroughTheEngine() throws {
        let sink = MemorySink()
        let runner = try ModelRunner(model: try model(), sinks: [sink])
        let report = try runner.run()
        let r = runner.results[0]
        XCTAssertEqual(r.value("layer.first_winner"), 0)
        XCTAssertEqual(r.value("layer.last_winner"), 9, "the units driven at 100 Hz win, those at 5 Hz lose")
        XCTAssertEqual(r.value("input_spikes"), Double(report.spikes), "every spike reached the layer")
        XCTAssertEqual(sink.description?.populations.map(\.model), ["poisson", "poisson", "kwta"])
        let states = sink.records.filter { $0.kind == .state }
        XCTAssertEqual(states.count, 20)
        XCTAssertEqual(states.filter { $0.value == 1 }.map(\.unit), Array(20..<30).map(UInt32.init))
        XCTAssertEqual(sink.records.filter { $0.kind == .metric }.count, 10)
        XCTAssertEqual(runner.context.counters.spikes, report.spikes)
    }

    func testItsKeysAreCheckedLikeEveryOtherAndItNeedsItsRegistryLine() throws {
        XCTAssertThrowsError(try model(", q: 3")) { XCTAssertTrue("\($0)".contains("populations[2].q"), "\($0)") }
        XCTAssertThrowsError(try model(k: 30)) { XCTAssertTrue("\($0)".contains("populations[2].k"), "\($0)") }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-kwta-\(UUID().uuidString).yaml")
        try "name: x\npopulations: [{name: layer, model: kwta, size: 3, k: 1}]\nprotocol: [{phase: run, duration: 1}]\n"
            .write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try ModelSpec.load(path: url.path)) { XCTAssertTrue("\($0)".contains("populations[0].model"), "\($0)") }
        XCTAssertNoThrow(try ModelSpec.load(path: url.path, registry: registry))
    }
}
