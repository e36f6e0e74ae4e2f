import XCTest
import Foundation

/// The spiking model files and `reverie bench lif`, end to end.
extension CLITests {
    func testBenchmarkModelRecordsAReproducibleSpikeTrace() throws {
        let dir = try tempDir()
        let small = ["--set", "populations[0].size=800", "--set", "populations[1].size=200", "--set", "protocol[0].duration=200"]
        var traces: [Data] = []
        for name in ["a.rvt", "b.rvt"] {
            let path = dir.appendingPathComponent(name).path
            let (out, _) = try reverie(["run", "models/brette-benchmark4.yaml"] + small + ["--record", path])
            XCTAssertTrue(out.contains("exc: ") && out.contains("mean CV of ISIs"), out)
            traces.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        XCTAssertEqual(traces[0], traces[1])
        let (info, _) = try reverie(["trace", "inspect", dir.appendingPathComponent("a.rvt").path])
        XCTAssertTrue(info.contains("spike") && info.contains("exc") && info.contains("inh"), info)
        let (list, _) = try reverie(["list"])
        XCTAssertTrue(list.contains("lif") && list.contains("stdp-multiplicative"), list)
        let (_, err) = try reverie(["run", "models/brette-benchmark4.yaml", "--set", "projections[0].indegree=5000"], expectStatus: 65)
        XCTAssertTrue(err.contains("--set projections[0].indegree=5000: projections[0].indegree: expected an integer in 0...3199"), err)
    }

    func testSTDPModelAndBenchWithoutPeer() throws {
        let (out, _) = try reverie(["run", "models/stdp-poisson.yaml", "--set", "protocol[0].duration=2000"])
        XCTAssertTrue(out.contains("plastic: mean weight"), out)
        let (bench, _) = try bench(["lif", "--n", "1000", "--duration", "200", "--no-peer"])
        XCTAssertTrue(bench.contains("reverie (exact)   ring") && bench.contains("heap"), bench)
    }

    /// `reverie-bench cuba` without peers: Reverie's row at two sizes (the mean in-degree kept),
    /// and the JSON rows; bad options are refused.
    func testCUBABenchWithoutPeers() throws {
        let json = try tempDir().appendingPathComponent("cuba.json")
        let (out, _) = try bench(["cuba", "--n", "500", "1000", "--durations", "200", "--repeats", "2", "--no-nest", "--no-brian2",
                                  "--json", json.path])
        XCTAssertTrue(out.contains("    500  reverie (exact)") && out.contains("   1000  reverie (exact)"), out)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [[String: Any]])
        XCTAssertEqual(rows.count, 2)
        XCTAssertGreaterThan((rows[1]["synaptic_events"] as? Int) ?? 0, 5_000)
        let (_, err) = try reverie(["cuba", "--n", "500", "--durations", "100", "200"], expectStatus: 64,
                                   executable: Self.executable("reverie-bench"))
        XCTAssertTrue(err.contains("--durations"), err)
    }
}
