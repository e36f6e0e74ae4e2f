import XCTest
import ReverieModels
import ReverieSpec

/// Every bad model file gives an error naming the file, the field path and what was expected.
final class ModelErrorTests: XCTestCase {
    let valid = """
    name: t
    populations:
      - name: memory
        size: 20
    projections:
      - name: recurrent
        from: memory
        to: memory
    rules:
      - name: storage
        type: hebbian
    patterns:
      - name: memories
        population: memory
        count: 3
    protocol:
      - phase: learn
        patterns: memories
        projection: recurrent
        rule: storage
      - phase: test
        patterns: memories
    """

    func load(_ text: String, overrides: [String] = []) throws -> ModelSpec { try loadModel(text, overrides: overrides) }

    func assertError(_ text: String, overrides: [String] = [], path: String, expected: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try load(text, overrides: overrides)
            XCTFail("no error", file: file, line: line)
        } catch let e as ModelError {
            XCTAssertTrue(e.file.hasSuffix(".yaml") || e.file.hasPrefix("--set "), e.description, file: file, line: line)
            XCTAssertEqual(e.path, path, e.description, file: file, line: line)
            XCTAssertTrue(e.description.contains(expected), e.description, file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    func testValidFileLoads() throws {
        let spec = try load(valid)
        XCTAssertEqual(spec.populations.map(\.size), [20])
        XCTAssertEqual(spec.phases.map(\.name), ["learn-1", "test-1"])
    }

    func testWrongTypeNamesThePathAndLine() {
        assertError(valid.replacingOccurrences(of: "size: 20", with: "size: twenty"),
                    path: "populations[0].size", expected: "expected an integer in 1...50000000, found \"twenty\"")
        do { _ = try load(valid.replacingOccurrences(of: "size: 20", with: "size: -4")) }
        catch let e as ModelError { XCTAssertEqual(e.line, 4) } catch { XCTFail("\(error)") }
    }

    func testMissingFieldsUnknownFieldsAndDanglingNames() {
        assertError(valid.replacingOccurrences(of: "    size: 20\n", with: ""), path: "populations[0].size", expected: "no such field")
        assertError(valid.replacingOccurrences(of: "size: 20", with: "size: 20\n    sise: 3"),
                    path: "populations[0].sise", expected: "unknown field \"sise\"")
        assertError(valid.replacingOccurrences(of: "    from: memory", with: "    from: cortex"),
                    path: "projections[0].from", expected: "one of memory")
        assertError(valid.replacingOccurrences(of: "rule: storage", with: "rule: forgetting"),
                    path: "protocol[0].rule", expected: "one of storage")
        assertError(valid.replacingOccurrences(of: "phase: test", with: "phase: tset"),
                    path: "protocol[1].phase", expected: "one of run, learn, test")
        assertError(valid.replacingOccurrences(of: "type: hebbian", with: "type: hebbian\n    eta: fast"),
                    path: "rules[0].eta", expected: "expected a number")
        assertError(valid + "\n    initial_overlap: 2", path: "protocol[1].initial_overlap", expected: "a number in -1...1")
    }

    func testNotYAMLAndEmptyAndNotAMapping() {
        assertError("name: [unclosed", path: "", expected: "valid YAML")
        assertError("", path: "", expected: "an empty file")
        assertError("- just\n- a list", path: "", expected: "a mapping of fields")
    }

    func testOverridesApplyAndBadOverridePathsFail() throws {
        let spec = try load(valid, overrides: ["populations.memory.size=50", "protocol[1].initial_overlap=0.5", "seed=9"])
        XCTAssertEqual(spec.populations[0].size, 50)
        XCTAssertEqual(spec.seed, 9)
        assertError(valid, overrides: ["populations.cortex.size=5"], path: "--set populations.cortex.size", expected: "one of the names memory")
        assertError(valid, overrides: ["populations.memory.size=big"], path: "populations[0].size", expected: "expected an integer")
        // An error in an overridden value names the override, not a line of the file.
        XCTAssertThrowsError(try load(valid, overrides: ["populations.memory.size=big"])) {
            XCTAssertTrue("\($0)".hasPrefix("--set populations.memory.size=big: populations[0].size:"), "\($0)")
        }
        // Inline YAML: a list for a list field.
        XCTAssertNoThrow(try load(valid, overrides: ["protocol[1].initial_overlap=0.5", "patterns[0].count=7"]))
        XCTAssertThrowsError(try load(valid, overrides: ["protocol[1].initial_overlap=[0.5, 0.7]"])) {
            XCTAssertTrue("\($0)".contains("protocol[1].initial_overlap: expected a number in -1...1, found a list"), "\($0)")
        }
    }

    func testOverridesTakeInlineYAMLLists() throws {
        let model = valid + "\n  - phase: dream\n    patterns: memories\n    projection: recurrent\n    rule: unlearning\n    dreams: 10\n"
        let withRule = model.replacingOccurrences(of: "    type: hebbian", with: "    type: hebbian\n  - name: unlearning\n    type: anti-hebbian")
        let spec = try load(withRule, overrides: ["protocol[2].basin_overlaps=[0.6, 0.8]"])
        XCTAssertEqual(try spec.root["protocol"]?.sequence()[2]["basin_overlaps"]?.sequence().map { try $0.double() }, [0.6, 0.8])
        assertError(withRule, overrides: ["protocol[2].basin_overlaps=[0.6, 2]"], path: "protocol[2].basin_overlaps[1]", expected: "a number in -1...1")
        assertError(withRule, overrides: ["protocol[2].basin_overlaps=[0.6"], path: "protocol[2].basin_overlaps", expected: "an inline YAML list")
    }

    func testPatternFileErrorsNameTheFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "1 -1 1\n1 1 7\n".write(to: dir.appendingPathComponent("p.txt"), atomically: true, encoding: .utf8)
        let model = valid.replacingOccurrences(of: "size: 20", with: "size: 3").replacingOccurrences(of: "count: 3", with: "file: p.txt")
        try model.write(to: dir.appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        // Read when the model is validated, so `reverie validate` catches it.
        XCTAssertThrowsError(try ModelSpec.load(path: dir.appendingPathComponent("m.yaml").path)) { e in
            let m = e as? ModelError
            XCTAssertEqual(m?.line, 2)
            XCTAssertTrue(m?.file.hasSuffix("p.txt") ?? false)
            XCTAssertTrue(m?.description.contains("values ±1 or 0/1, found \"7\"") ?? false, "\(e)")
        }
    }
}
