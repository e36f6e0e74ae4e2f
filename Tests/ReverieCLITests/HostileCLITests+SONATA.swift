import XCTest
import Foundation

/// `trace export --format sonata` and `export-network` on hostile or unsuitable input.
extension HostileCLITests {
    /// Population names that look like paths never leave OUT or name an HDF5 path.
    func testSONATAExportWritesOnlyInsideOut() throws {
        let dir = try tempDir()
        let names = ["../escaped", "/", "..", ".", "", "a b", "sub/dir", "spikes.h5"]
        let bytes = try TraceBytes.craft(try sample("hopfield.rvt")) { p in
            names.enumerated().map { k, n in ["name": n, "model": "binary", "firstID": k * 100, "size": k == 0 ? 100 : 1] }
        }
        let trace = dir.appendingPathComponent("names.rvt").path
        try Data(bytes).write(to: URL(fileURLWithPath: trace))
        let out = dir.appendingPathComponent("out").path
        let r = try run(["trace", "export", trace, "--format", "sonata", "--events", "up", "--out", out])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("spikes  _.._escaped: "), r.out)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)), ["names.rvt", "out"])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: out)),
                       ["spikes.h5", "nodes.h5", "node_types.csv", "circuit_config.json", "simulation_config.json"])
        let types = try String(contentsOfFile: out + "/node_types.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(types.count, names.count + 1)
        XCTAssertEqual(types[1], "0 _.._escaped _.._escaped point_neuron reverie:binary NULL binary")
        XCTAssertEqual(types[4], "3 _. _. point_neuron reverie:binary NULL binary")
    }

    func testSONATAExportNeedsADirectoryAndARegularGrid() throws {
        let dir = try tempDir()
        let r = try run(["trace", "export", Self.samples.appendingPathComponent("hopfield.rvt").path, "--format", "sonata"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.err.contains("--format sonata needs --out DIRECTORY"), r.err)

        // Voltages sampled every 2 ms (one slot: t_ref), then every 4 ms: not one SONATA report.
        let model = dir.appendingPathComponent("two.yaml").path
        try """
            name: two-grids
            populations:
              - {name: cells, model: lif, size: 3, t_ref: 2}
            protocol:
              - {phase: run, name: fine, duration: 5, record_voltage: {population: cells, every: 2}}
              - {phase: run, name: coarse, duration: 5, record_voltage: {population: cells, every: 4}}
            """.write(toFile: model, atomically: true, encoding: .utf8)
        let trace = dir.appendingPathComponent("two.rvt").path
        XCTAssertEqual(try run(["run", model, "-q", "--record", trace]).status, 0)
        let out = dir.appendingPathComponent("out").path
        let e = try run(["trace", "export", trace, "--format", "sonata", "--out", out])
        XCTAssertEqual(e.status, 1)
        XCTAssertFalse(e.crashed)
        XCTAssertTrue(e.err.contains("\(trace): population \"cells\": voltage samples are not on a regular time grid"), e.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [], "nothing is written before the check")
        let one = try run(["trace", "export", trace, "--format", "sonata", "--population", "nope", "--out", out])
        XCTAssertEqual(one.status, 1)
        XCTAssertTrue(one.err.contains("nope"), one.err)
    }

    func testExportNetworkOfAModelWithoutSpikingUnitsIsAModelError() throws {
        let dir = try tempDir()
        let r = try run(["export-network", CLITests.repo.appendingPathComponent("models/hopfield-hebbian.yaml").path,
                         "--out", dir.appendingPathComponent("net").path])
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.err.contains("hopfield-hebbian.yaml: the model has no spiking populations"), r.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("net").path))
    }

    /// The same model and seed give byte-identical network files; another seed other synapses.
    func testExportNetworkIsDeterministic() throws {
        let dir = try tempDir()
        let model = CLITests.repo.appendingPathComponent("models/brette-benchmark4.yaml").path
        let small = ["--set", "populations[0].size=80", "--set", "populations[1].size=20"]
        for (name, seed) in [("a", "1"), ("b", "1"), ("c", "2")] {
            let r = try run(["export-network", model] + small + ["--seed", seed, "--out", dir.appendingPathComponent(name).path])
            XCTAssertEqual(r.status, 0, r.err)
        }
        func bytes(_ d: String, _ f: String) throws -> Data { try Data(contentsOf: dir.appendingPathComponent(d).appendingPathComponent(f)) }
        for f in ["nodes.h5", "edges.h5", "node_types.csv", "edge_types.csv", "circuit_config.json", "components/point_neuron_models/exc.json"] {
            XCTAssertEqual(try bytes("a", f), try bytes("b", f), f)
        }
        XCTAssertNotEqual(try bytes("a", "edges.h5"), try bytes("c", "edges.h5"))
    }
}
