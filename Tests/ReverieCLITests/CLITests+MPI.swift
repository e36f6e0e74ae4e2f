import Foundation
import XCTest

/// Runs under Open MPI's mpirun (scripts/bootstrap.sh installs it): a sweep's runs spread
/// over ranks, and one network split over ranks × threads, write the serial run's bytes;
/// a killed rank ends the job on every rank.
extension CLITests {
    static let mpirun = URL(fileURLWithPath: "/usr/bin/mpirun")

    /// mpirun's arguments for `reverie args` on `ranks` ranks (as root, as CI runs, and with more ranks than cores).
    static func mpirunArguments(_ ranks: Int, _ args: [String]) -> [String] {
        ["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)", binary.path] + args
    }

    /// `mpirun -np ranks reverie args`, to its end.
    @discardableResult
    func mpi(_ ranks: Int, _ args: [String], expectStatus: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws
        -> (out: String, err: String) {
        try reverie(Self.mpirunArguments(ranks, args), expectStatus: expectStatus, executable: Self.mpirun, file: file, line: line)
    }

    /// `mpirun -np ranks reverie args` started in the repository, with its stderr on the returned pipe.
    func startMPI(_ ranks: Int, _ args: [String]) throws -> (Process, Pipe) {
        let p = Process(), err = Pipe()
        p.executableURL = Self.mpirun
        p.arguments = Self.mpirunArguments(ranks, args)
        p.currentDirectoryURL = Self.repo
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return (p, err)
    }

    func testSweepOverMPIRanksWritesTheSerialBytes() throws {
        let root = try tempDir()
        // The first points are slow (N = 200), the last fast: ranks and threads finish out of order.
        let args = ["experiment", "experiments/capacity.yaml", "--grid", "populations.memory.size=200,30", "--grid", "alpha=0.05,0.1,0.2",
                    "--repeats", "2", "-q"]
        try reverie(args + ["--out", root.appendingPathComponent("serial").path])
        let serial = try files(root.appendingPathComponent("serial"))
        XCTAssertEqual(serial.keys.sorted(), ["capacity.svg", "corrupted.csv", "exact.csv", "runs.csv", "sweep.json"])
        for (ranks, jobs) in [(1, 1), (2, 1), (3, 1), (2, 2)] {
            let name = "ranks\(ranks)-jobs\(jobs)"
            let (out, _) = try mpi(ranks, args + ["--out", root.appendingPathComponent(name).path, "--jobs", "\(jobs)"])
            XCTAssertTrue(out.contains("12 runs") && out.contains("on \(ranks) rank(s) × \(jobs) thread(s)"), out)
            XCTAssertEqual(out.components(separatedBy: "wrote ").count, 2, "rank 0 alone writes and reports: \(out)")
            XCTAssertEqual(try files(root.appendingPathComponent(name)), serial, name)
        }
    }

    func testErrorsUnderMPIArePrintedOnce() throws {
        let out = try tempDir().appendingPathComponent("out").path
        let (_, e1) = try mpi(2, ["experiment", "models/hopfield-hebbian.yaml", "--grid", "patterns.memories.count=3,0", "--out", out],
                              expectStatus: 64)
        XCTAssertEqual(e1.components(separatedBy: "at patterns.memories.count=0:").count, 2, e1)
        let (_, e2) = try mpi(2, ["run", "models/stdp-poisson.yaml", "--out", out], expectStatus: 65)
        XCTAssertEqual(e2.components(separatedBy: "found projection plastic is plastic").count, 2, e2)
        let (_, e3) = try mpi(2, ["run", "models/brette-benchmark4.yaml", "--set", "protocol[0].record_voltage={population: exc, count: 3}",
                                  "--out", out], expectStatus: 65)
        XCTAssertEqual(e3.components(separatedBy: "no voltage recording when the network runs over 2 MPI ranks").count, 2, e3)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    /// The six splits of one network over ranks × threads, against one process.
    func testRunOverRanksAndThreadsGivesTheSameBytes() throws {
        let models: [(String, [String])] = [
            ("models/brette-benchmark4.yaml", ["--set", "populations[0].size=1600", "--set", "populations[1].size=400",
                                               "--set", "protocol[0].duration=300"]),
            // Poisson sources (on rank 0) driving a linked binary network (run by every rank alike).
            ("models/spike-cued-recall.yaml", []),
        ]
        for (model, args) in models {
            let dir = try tempDir()
            let one = try threadedRun(model, args, threads: 1, in: dir)
            for (ranks, threads) in [(1, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3)] {
                let split = try threadedRun(model, args, threads: threads, ranks: ranks, in: dir)
                XCTAssertEqual(split.keys.sorted(), one.keys.sorted(), model)
                for (name, bytes) in one { XCTAssertEqual(split[name], bytes, "\(model), \(ranks) rank(s) × \(threads) thread(s): \(name)") }
            }
            // Without sinks the shards count spikes and record the other ranks' without reporting them one by one.
            let unrecorded = try threadedRun(model, args, threads: 1, record: false, in: dir)
            for (ranks, threads) in [(2, 1), (1, 2), (2, 2)] {
                let split = try threadedRun(model, args, threads: threads, ranks: ranks, record: false, in: dir)
                XCTAssertEqual(split["summary"], unrecorded["summary"], "\(model), \(ranks) rank(s) × \(threads) thread(s), no recording")
            }
        }
    }

    func testAKilledRankEndsARunWithinSecondsAndTheTraceReadsBack() throws {
        let dir = try tempDir(), trace = dir.appendingPathComponent("run.rvt").path
        let (p, err) = try startMPI(2, ["run", "models/brette-benchmark4.yaml", "--set", "protocol[0].duration=1000000", "-q", "--record", trace])
        let rank1 = try XCTUnwrap(rankProcess(1, of: p, naming: trace), "no rank 1 process found")
        // Until rank 0 has written some chunks of the trace.
        let written = Date().addingTimeInterval(60)
        while ((try? FileManager.default.attributesOfItem(atPath: trace)[.size] as? Int) ?? 0) < 1 << 20 && Date() < written && p.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTAssertEqual(kill(rank1, SIGKILL), 0)
        try assertEndsWithin30Seconds(p, naming: 1, stderr: err)
        let (out, _) = try reverie(["trace", "verify", trace], expectStatus: 1)
        XCTAssertTrue(out.contains("intact chunks") && out.contains("records recovered") && out.contains("did not close the trace"), out)
    }

    func testAKilledRankEndsTheSweepOnEveryRankWithinSeconds() throws {
        let out = try tempDir().appendingPathComponent("out").path
        let (p, err) = try startMPI(2, ["experiment", "models/hopfield-unlearning.yaml", "--repeats", "8", "-q", "--out", out])
        let rank1 = try XCTUnwrap(rankProcess(1, of: p, naming: out), "no rank 1 process found")
        Thread.sleep(forTimeInterval: 1)   // in the middle of its runs
        XCTAssertEqual(kill(rank1, SIGKILL), 0)
        try assertEndsWithin30Seconds(p, naming: 1, stderr: err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/runs.csv"), "no partial outputs")
    }

    /// The pid of rank `rank` of mpirun `p`: the process whose command line names `path`
    /// and whose environment has OMPI_COMM_WORLD_RANK=rank (waiting up to 60 s for it).
    func rankProcess(_ rank: Int, of p: Process, naming path: String) -> Int32? {
        let found = Date().addingTimeInterval(60)
        while Date() < found && p.isRunning {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
                guard let pid = Int32(name),
                      let cmdline = FileManager.default.contents(atPath: "/proc/\(name)/cmdline"),
                      String(decoding: cmdline, as: UTF8.self).contains(path),
                      let environ = FileManager.default.contents(atPath: "/proc/\(name)/environ"),
                      environ.split(separator: 0).contains(where: { String(decoding: $0, as: UTF8.self) == "OMPI_COMM_WORLD_RANK=\(rank)" })
                else { continue }
                return pid
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    /// mpirun `p` ends within 30 s of a rank's death (else it is stopped and the test fails),
    /// non-zero, naming the dead rank.
    func assertEndsWithin30Seconds(_ p: Process, naming rank: Int, stderr err: Pipe) throws {
        let killed = Date(), deadline = killed.addingTimeInterval(30)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if p.isRunning {
            p.terminate()
            XCTFail("mpirun still running 30 s after rank \(rank) was killed")
        }
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertNotEqual(p.terminationStatus, 0)
        XCTAssertTrue(stderr.contains("process rank \(rank)") && stderr.contains("signal 9"), stderr)
    }
}
