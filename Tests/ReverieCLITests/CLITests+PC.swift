import XCTest
import Foundation

/// `reverie bench pc` and the pc model file, end to end (the pc sweep: CLITests+Experiment).
extension CLITests {
    func testPCModelFileAndBenchRun() throws {
        let (out, _) = try reverie(["run", "models/pc-hopfield.yaml", "--set", "protocol[0].epochs=2", "--set", "protocol[1].trials=1"])
        XCTAssertTrue(out.contains("mean Hamming"), out)
        let (bench, _) = try bench(["pc", "--n", "12", "--send-thresholds", "0.05"])
        XCTAssertTrue(bench.contains("event-driven") && bench.contains("euler"), bench)
    }
}
