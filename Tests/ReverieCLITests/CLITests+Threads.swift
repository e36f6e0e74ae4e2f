import Foundation
import XCTest

/// `reverie run --threads T`: a spiking network split into shards on T threads
/// records the same bytes and reports the same results as on one thread.
extension CLITests {
    /// The trace and the per-phase CSV files of one run.
    /// (Under `mpirun -np ranks` if `ranks` is given.)
    /// The outputs of a run (`record`: with a trace of every stream, else without any sink).
    func threadedRun(_ model: String, _ args: [String], threads: Int, ranks: Int? = nil, record: Bool = true, in dir: URL) throws -> [String: Data] {
        let name = "r\(ranks ?? 0)t\(threads)" + (record ? "" : "-unrecorded")
        let out = dir.appendingPathComponent(name), trace = dir.appendingPathComponent(name + ".rvt")
        let run = ["run", model] + args + ["--threads", "\(threads)", "-q", "--out", out.path]
            + (record ? ["--record", trace.path, "--record-streams", "all"] : [])
        let (stdout, _) = try ranks.map { try mpi($0, run) } ?? reverie(run)
        XCTAssertTrue(stdout.contains("spikes"), stdout)
        var files = record ? ["trace": try Data(contentsOf: trace)] : [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: out.path) where name.hasSuffix(".csv") {
            files[name] = try Data(contentsOf: out.appendingPathComponent(name))
        }
        // summary.json: every value but the timings.
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as! [String: Any]
        let phases = (summary["phases"] as! [[String: Any]]).map { p in
            (p["summary"] as? [String: Any] ?? [:]).filter { !$0.key.contains("per_second") }.map { "\($0.key)=\($0.value)" }.sorted()
        }
        let totals = ["spikes", "synaptic_events", "events", "records", "flips", "simulated_time"].map { "\($0)=\(summary[$0] ?? "-")" }
        files["summary"] = Data("\(phases) \(totals)".utf8)
        return files
    }

    func testThreadsGiveTheSameBytes() throws {
        let models: [(String, [String])] = [
            // LIF units with voltage jumps, voltages recorded (read from the shard that owns each unit).
            ("models/brette-benchmark4.yaml", ["--set", "populations[0].size=1600", "--set", "populations[1].size=400",
                                               "--set", "protocol[0].duration=300",
                                               "--set", "protocol[0].record_voltage={population: exc, count: 7, every: 0.5}"]),
            // lif-exp units (exponential currents), one delay per projection.
            ("models/cuba-vogels-abbott.yaml", ["--set", "projections[0].delay=0.8", "--set", "projections[1].delay=0.8",
                                                "--set", "projections[2].delay=0.8", "--set", "projections[3].delay=0.8",
                                                "--set", "protocol[0].duration=200"]),
            // Poisson sources (emitted by shard 0) whose spikes drive a linked binary network.
            ("models/spike-cued-recall.yaml", []),
        ]
        for (model, args) in models {
            let dir = try tempDir()
            let one = try threadedRun(model, args, threads: 1, in: dir)
            XCTAssertGreaterThan(one["trace"]!.count, 10_000, model)
            for threads in [2, 3, 4] {
                let other = try threadedRun(model, args, threads: threads, in: dir)
                XCTAssertEqual(other.keys.sorted(), one.keys.sorted(), model)
                for (name, bytes) in one { XCTAssertEqual(other[name], bytes, "\(model), --threads \(threads): \(name)") }
            }
        }
    }

    func testThreadsBench() throws {
        let (out, _) = try bench(["threads", "--n", "2000", "--threads", "1", "2", "--duration", "200", "--repeats", "1"])
        let rows = out.split(separator: "\n").filter { $0.hasPrefix("   2000") }
        XCTAssertEqual(rows.count, 2, out)
        XCTAssertTrue(rows.allSatisfy { $0.contains("×") && $0.contains("%") }, out)
        XCTAssertEqual(Set(rows.map { $0.split(separator: " ").last! }).count, 1, "the same spikes on 1 and 2 threads: \(out)")
    }

    func testThreadsRefuseNetworksThatCannotBeSplitYet() throws {
        let (_, err) = try reverie(["run", "models/stdp-poisson.yaml", "--threads", "2"], expectStatus: 65)
        XCTAssertTrue(err.contains("projections: expected static projections with one delay each") && err.contains("plastic is plastic"), err)
        let (_, err2) = try reverie(["run", "models/brette-benchmark4.yaml", "--threads", "0"], expectStatus: 64)
        XCTAssertTrue(err2.contains("--threads must be in 1...256"), err2)
    }
}
