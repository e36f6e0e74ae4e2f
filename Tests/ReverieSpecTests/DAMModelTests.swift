import XCTest
import ReverieKernel
import ReverieModels
import ReverieSpec

/// Dense associative memories in model files: validation errors name the field,
/// and the sequential-learning protocol runs end to end with its methods.
final class DAMModelTests: XCTestCase {
    func load(_ text: String) throws -> ModelSpec {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-dam-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try ModelSpec.load(path: url.path)
    }

    func tasks(method: String, extra: String = "", tasks: Int = 3) -> String {
        """
        name: dam-tasks
        seed: 3
        populations:
          - {name: v, model: dam, size: 44, labels: 4, memories: 24, interaction: polynomial, degree: 3}
        protocol:
          - {phase: dam-tasks, name: seq, tasks: \(tasks), synthetic: {per_class_train: 20, per_class_test: 20, noise: 0.1},
             epochs: 15, batch_size: 16, learning_rate: 0.05, temperature: 0.5, method: \(method)\(extra)}
        """
    }

    func run(_ text: String) throws -> PhaseResult {
        let runner = try ModelRunner(model: try load(text))
        _ = try runner.run()
        return runner.results[0]
    }

    func assertError(_ text: String, mentions path: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(text), file: file, line: line) { e in
            XCTAssertTrue("\(e)".contains(path), "\(e)", file: file, line: line)
        }
    }

    func testBadFieldsAreNamed() {
        assertError(tasks(method: "{type: ewc, lamda: 3}"), mentions: "method.lamda")
        assertError(tasks(method: "forgetful"), mentions: "protocol[0].method")
        assertError(tasks(method: "naive").replacingOccurrences(of: "labels: 4, ", with: ""), mentions: "labels")
        assertError(tasks(method: "naive").replacingOccurrences(of: "degree: 3", with: "degree: 3, tie: maybe"), mentions: "populations[0].tie")
        assertError(tasks(method: "naive").replacingOccurrences(of: "memories: 24", with: "memories: stored"), mentions: "populations[0].memories")
        assertError("""
            name: x
            patterns: [{name: p, population: w, count: 3}]
            populations:
              - {name: v, model: dam, size: 10, memories: p}
              - {name: w, model: binary, size: 10}
            protocol: [{phase: dam-test, patterns: p}]
            """, mentions: "populations[0].memories")
        assertError("""
            name: x
            populations: [{name: v, model: dam, size: 10, memories: 3, update: synchronous}]
            protocol: [{phase: run}]
            """, mentions: "protocol[0].duration")
        assertError("""
            name: x
            populations: [{name: v, model: dam, size: 10, memories: 3}]
            projections: [{from: v, to: v}]
            protocol: [{phase: run}]
            """, mentions: "projections[0]")
    }

    /// The same model and seed give the same accuracy matrix; naive training
    /// forgets the first task, rehearsal keeps more of it.
    func testSequentialLearningIsDeterministicAndRehearsalRetainsMore() throws {
        let naive = try run(tasks(method: "naive")), again = try run(tasks(method: "naive"))
        XCTAssertEqual(naive.summary.map(\.value), again.summary.map(\.value))
        let rehearsal = try run(tasks(method: "{type: rehearsal, items_per_task: 40}"))
        let learned = naive.value("learning_accuracy")!, kept = naive.value("final_task1_accuracy")!
        XCTAssertGreaterThan(learned, 0.9, "each task is learned")
        XCTAssertLessThan(kept, learned - 0.2, "naive training forgets task 1")
        XCTAssertGreaterThan(rehearsal.value("final_task1_accuracy")!, kept + 0.2)
        XCTAssertEqual(naive.table?.rows.count, 3)
    }

    /// A very strong importance penalty keeps the memories near those of task 1:
    /// task 1 is retained and later tasks are learned less (stability against plasticity).
    func testImportancePenaltiesTradePlasticityForStability() throws {
        let naive = try run(tasks(method: "naive"))
        for type in ["ewc", "mas"] {
            let strong = try run(tasks(method: "{type: \(type), lambda: 1e6}"))
            XCTAssertGreaterThan(strong.value("final_task1_accuracy")!, naive.value("final_task1_accuracy")! + 0.2, type)
            XCTAssertLessThan(strong.value("learning_accuracy")!, naive.value("learning_accuracy")!, type)
        }
    }

    /// Pseudorehearsal replays fixed points of the network's own dynamics: it runs
    /// relaxations and trains more items than naive training does.
    func testPseudorehearsalTrainsOnTheNetworksAttractors() throws {
        let runner = try ModelRunner(model: try load(tasks(method: "{type: pseudorehearsal, probes: 30}", tasks: 2)))
        let report = try runner.run()
        let items = try XCTUnwrap(runner.results[0].table?.rows.map { $0[5] })
        XCTAssertEqual(items, [.number(80), .number(110)])
        XCTAssertGreaterThan(report.flips, 0, "the probes relaxed")
    }
}
