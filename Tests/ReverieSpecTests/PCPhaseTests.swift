import XCTest
import ReverieKernel
import ReverieModels
import ReverieSpec

final class PCPhaseTests: XCTestCase {
    static let model = ProtocolRunTests.repo.appendingPathComponent("models/pc-hopfield.yaml").path

    private func run(_ overrides: [String]) throws -> ([PhaseResult], MemorySink) {
        let sink = MemorySink()
        let runner = try ModelRunner(model: try ModelSpec.load(path: Self.model, overrides: overrides), sinks: [sink])
        _ = try runner.run()
        return (runner.results, sink)
    }

    /// The model file trains and recalls; the same seed gives the same trace; the
    /// trace names the value and error units as populations of their own.
    func testModelFileRunsDeterministicallyAndStreamsBothUnitKinds() throws {
        let short = ["protocol[0].epochs=3", "protocol[0].hold_time=0.5", "protocol[0].record_weights=true",
                     "protocol[1].trials=1"]
        let (a, sa) = try run(short)
        let (b, sb) = try run(short)
        XCTAssertEqual(a[1].table, b[1].table)
        XCTAssertEqual(sa.records, sb.records)
        XCTAssertEqual(a[0].value("patterns"), 4)
        XCTAssertGreaterThan(a[0].value("messages")!, 0)
        XCTAssertNotNil(a[1].value("mean_hamming"))

        let pops = sa.description!.populations
        XCTAssertEqual(pops.map(\.name), ["memory.value", "memory.error"])
        XCTAssertEqual(pops.map(\.firstID), [0, 12])
        let weights = sa.records.filter { $0.kind == .weight }
        XCTAssertEqual(weights.count, 3 * 4 * 144)
        XCTAssertTrue(weights.allSatisfy { $0.unit < 12 && (12..<24).contains($0.aux) })
        let states = sa.records.filter { $0.kind == .state }
        XCTAssertTrue(states.contains { $0.unit >= 12 }, "error units stream their activity")
        XCTAssertEqual(sa.records.filter { $0.kind == .metric }.count, 2 * 4)
    }

    /// Both integrators, selected from the model file, recall the prototype's
    /// patterns equally well.
    func testIntegratorIsChosenInTheModelFile() throws {
        let (euler, _) = try run(["protocol[0].integrator=euler", "protocol[1].trials=1"])
        let (event, _) = try run(["protocol[1].trials=1"])
        XCTAssertEqual(euler[0].value("messages"), 0)
        XCTAssertGreaterThan(event[0].value("messages")!, 0)
        XCTAssertEqual(euler[1].value("mean_hamming")!, event[1].value("mean_hamming")!)
    }

    func testBadFieldsNameTheirPath() {
        func error(_ overrides: [String]) -> String {
            do { _ = try ModelSpec.load(path: Self.model, overrides: overrides); return "" }
            catch { return "\(error)" }
        }
        XCTAssertTrue(error(["protocol[0].dt=0.04"]).contains("protocol[0].dt: expected a step dt ≤ τ/2"))
        XCTAssertTrue(error(["protocol[0].integrator=rk4"]).contains("protocol[0].integrator: expected one of event-driven, euler"))
        XCTAssertTrue(error(["protocol[1].flipped_bits=13"]).contains("protocol[1].flipped_bits"))
        XCTAssertTrue(error(["protocol[0].gamma=-1"]).contains("protocol[0].gamma"))
        XCTAssertTrue(error(["populations.memory.model=binary"]).contains("protocol[0].patterns: expected a pattern set on a population with model: pc"))
        XCTAssertTrue(error(["protocol[1].sise=3"]).contains("unknown field \"sise\""))
        XCTAssertTrue(error(["populations.memory.size=400", "protocol[0].integrator=euler"])
            .contains("protocol[0]: expected dt < γ/(N + 1) = 0.000499 for Euler training of 400 neurons"))
        XCTAssertEqual(error(["populations.memory.size=400"]), "", "the event-driven trainer is stable there")
    }
}
