import XCTest
import ReverieKernel
import ReverieSpec

final class DreamPhaseTests: XCTestCase {
    func model(_ dream: String, dynamics: String = "temperature: 0", rule: String = "anti-hebbian") -> String {
        """
        name: dream-test
        seed: 3
        dynamics:
          \(dynamics)
        populations:
          - name: memory
            size: 100
        projections:
          - name: recurrent
            from: memory
            to: memory
        rules:
          - name: storage
            type: hebbian
          - name: unlearning
            type: \(rule)
        patterns:
          - name: memories
            population: memory
            load: 0.2
        protocol:
          - phase: learn
            patterns: memories
            projection: recurrent
            rule: storage
          - phase: dream
            name: dreaming
            patterns: memories
            projection: recurrent
            rule: unlearning
        \(dream)
        """
    }

    func run(_ text: String) throws -> PhaseResult {
        let runner = try ModelRunner(model: try loadModel(text))
        _ = try runner.run()
        return runner.results[1]
    }

    func testDreamPhaseReachesDInAndIsDeterministic() throws {
        let options = """
            dreams: 1500
            measure_every: 100
            check_every: 20
            basin_overlaps: [0.8]
        """
        let a = try run(model(options))
        let dIn = try XCTUnwrap(a.value("d_in_eps_over_n"))
        XCTAssertGreaterThan(dIn, 0)
        XCTAssertLessThan(dIn, 0.15)
        XCTAssertNotNil(a.value("d_top"))
        let table = try XCTUnwrap(a.table)
        XCTAssertLessThan(try XCTUnwrap(table.column("fraction_stable").first), 0.5, "Hebbian couplings at α = 0.2: most patterns are not fixed points")
        XCTAssertEqual(table.column("fraction_stable").last, 1)
        XCTAssertEqual(table.column("dreams"), stride(from: 0, through: 1500, by: 100).map(Double.init))
        XCTAssertEqual(table.column("overlap_from_0.8").count, 16)
        XCTAssertEqual(try run(model(options)).table, table)
    }

    func testStopAtDIn() throws {
        let r = try run(model("    dreams: 5000\n    measure_every: 1000\n    check_every: 10\n    stop_at_d_in: true"))
        XCTAssertEqual(r.value("dreams"), r.value("d_in"))
        XCTAssertEqual(r.value("fraction_stable"), 1)
    }

    /// `arithmetic: integer`: exact integer couplings reach D_in as the double run does
    /// (within seed noise), deterministically; couplings that are not multiples of ε/N
    /// (ε = 0.03) are refused with the field named.
    func testIntegerArithmetic() throws {
        let options = "    dreams: 3000\n    measure_every: 1000\n    check_every: 10\n    stop_at_d_in: true"
        let double = try XCTUnwrap(try run(model(options)).value("d_in_eps_over_n"))
        let integer = try run(model(options + "\n    arithmetic: integer"))
        let dIn = try XCTUnwrap(integer.value("d_in_eps_over_n"))
        XCTAssertEqual(dIn, double, accuracy: 0.5 * double)
        XCTAssertEqual(try run(model(options + "\n    arithmetic: integer")).table, integer.table)
        XCTAssertThrowsError(try run(model(options + "\n    arithmetic: integer").replacingOccurrences(
            of: "type: anti-hebbian", with: "type: anti-hebbian\n    epsilon: 0.03"))) { e in
            XCTAssertTrue("\(e)".contains("arithmetic") && "\(e)".contains("integer multiples of ε/N"), "\(e)")
        }
        XCTAssertThrowsError(try loadModel(model(options + "\n    arithmetic: int"))) { e in
            XCTAssertTrue("\(e)".contains("arithmetic"), "\(e)")
        }
    }

    func testBadDreamOptionsNameTheField() {
        func expectError(_ text: String, _ fragments: [String], line: UInt = #line) {
            XCTAssertThrowsError(try loadModel(text), line: line) { e in
                let d = "\(e)"
                for f in fragments { XCTAssertTrue(d.contains(f), "\(d) lacks \(f)", line: line) }
            }
        }
        expectError(model("    dreams: 10", rule: "hebbian"), ["protocol", "rule", "acts at a fixed point"])
        expectError(model("    dreams: 10", dynamics: "temperature: 0.5"), ["temperature", "0"])
        expectError(model("    dreams: -3"), ["dreams"])
        expectError(model("    dreams: 10\n    basin_overlaps: [2]"), ["basin_overlaps"])
        expectError(model("    dreams: 10\n    dream_count: 5"), ["dream_count"])
    }

    func testSleepPhaseRetrievesArchetypesAndReportsTheDistance() throws {
        let text = """
        name: sleep-test
        populations:
          - name: memory
            size: 60
        projections:
          - name: recurrent
            from: memory
            to: memory
        patterns:
          - name: archetypes
            population: memory
            count: 6
        protocol:
          - phase: sleep
            archetypes: archetypes
            projection: recurrent
            examples_per_archetype: 40
            quality: 0.5
            sleep_time: 10
            method: both
            probes: 3000
        """
        let runner = try ModelRunner(model: try loadModel(text))
        _ = try runner.run()
        let r = runner.results[0]
        XCTAssertEqual(try XCTUnwrap(r.value("closed_form_mean_final_overlap")), 1, accuracy: 0.05)
        let d = try XCTUnwrap(r.value("distance_to_closed_form"))
        XCTAssertGreaterThan(d, 0)
        XCTAssertLessThan(d, 0.5)
        XCTAssertEqual(r.table?.rows.count, 2)
        XCTAssertThrowsError(try loadModel(text.replacingOccurrences(of: "quality: 0.5", with: "quality: 1.5"))) { e in
            XCTAssertTrue("\(e)".contains("quality"))
        }
    }
}

extension DreamPhaseTests {
    /// Every record of a dreaming run (basin measurements included) comes in time order,
    /// and the measurements carry the dreams' clock.
    func testRecordsOfADreamingRunAreInTimeOrder() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("models/hopfield-unlearning.yaml").path
        let sink = MemorySink()
        let runner = try ModelRunner(model: try ModelSpec.load(path: path, overrides: [
            "populations.memory.size=80", "protocol[2].dreams=300", "protocol[2].measure_every=100"]), sinks: [sink])
        _ = try runner.run()
        let times = sink.records.map(\.time.value)
        XCTAssertGreaterThan(times.count, 1000)
        XCTAssertEqual(zip(times, times.dropFirst()).filter { $0 > $1 }.count, 0, "a record earlier than the one before it")
        let code = runner.context.metricCode("fraction_stable")
        let measured = sink.records.filter { $0.kind == .metric && $0.unit == code }.map(\.time.value)
        XCTAssertEqual(measured.count, 4)
        XCTAssertEqual(zip(measured, measured.dropFirst()).filter { $0 >= $1 }.count, 0, "each measurement after more dreams: \(measured)")
    }
}
