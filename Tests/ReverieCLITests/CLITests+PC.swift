import XCTest
import Foundation

/// `reverie experiment pc`, `reverie bench pc` and the pc model file, end to end.
extension CLITests {
    func testPCExperimentWritesTableAndPlots() throws {
        let dir = try tempDir()
        let csvPath = dir.appendingPathComponent("pc.csv").path
        let (out, _) = try reverie(["experiment", "pc", "--n", "16", "--repeats", "1", "--alpha", "0.125", "--flips", "0", "3",
                                    "--alphas", "0.0625", "0.125", "--load-flips", "2", "--epochs", "3", "--hold-time", "0.3",
                                    "--out", csvPath])
        XCTAssertTrue(out.contains("wrote"), out)
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "sweep,network,N,alpha,P,flipped_bits,repeat,mean_final_overlap,mean_hamming,fraction_retrieved")
        XCTAssertEqual(csv.count, 1 + 2 * (2 + 2))
        XCTAssertEqual(csv.filter { $0.hasPrefix("corruption,hebbian,16,0.125,2,0,") }.count, 1)
        for plot in ["pc-corruption.svg", "pc-load.svg"] {
            let svg = try String(contentsOf: dir.appendingPathComponent(plot), encoding: .utf8)
            XCTAssertTrue(svg.contains("PC: overlap") && svg.contains("Hebbian: exact"), plot)
        }
        let again = dir.appendingPathComponent("again.csv").path
        try reverie(["experiment", "pc", "--n", "16", "--repeats", "1", "--alpha", "0.125", "--flips", "0", "3",
                     "--alphas", "0.0625", "0.125", "--load-flips", "2", "--epochs", "3", "--hold-time", "0.3", "--out", again])
        XCTAssertEqual(try String(contentsOfFile: again, encoding: .utf8), try String(contentsOfFile: csvPath, encoding: .utf8))
        try reverie(["experiment", "pc", "--integrator", "rk4"], expectStatus: 64)
    }

    func testPCModelFileAndBenchRun() throws {
        let (out, _) = try reverie(["run", "models/pc-hopfield.yaml", "--set", "protocol[0].epochs=2", "--set", "protocol[1].trials=1"])
        XCTAssertTrue(out.contains("mean Hamming"), out)
        let (bench, _) = try bench(["pc", "--n", "12", "--send-thresholds", "0.05"])
        XCTAssertTrue(bench.contains("event-driven") && bench.contains("euler"), bench)
    }
}
