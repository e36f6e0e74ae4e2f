import Foundation
import XCTest

/// Runs under Open MPI's mpirun (scripts/bootstrap.sh installs it): a sweep's runs spread
/// over ranks write the serial run's bytes; a killed rank ends the job on every rank.
extension CLITests {
    static let mpirun = URL(fileURLWithPath: "/usr/bin/mpirun")

    /// `mpirun -np ranks reverie args` (as root, as CI runs, and with more ranks than cores).
    @discardableResult
    func mpi(_ ranks: Int, _ args: [String], expectStatus: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws
        -> (out: String, err: String) {
        try reverie(["--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)", Self.binary.path] + args,
                    expectStatus: expectStatus, executable: Self.mpirun, file: file, line: line)
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

    func testErrorsUnderMPIArePrintedOnceAndRunRefusesSeveralRanks() throws {
        let out = try tempDir().appendingPathComponent("out").path
        let (_, e1) = try mpi(2, ["experiment", "models/hopfield-hebbian.yaml", "--grid", "patterns.memories.count=3,0", "--out", out],
                              expectStatus: 64)
        XCTAssertEqual(e1.components(separatedBy: "at patterns.memories.count=0:").count, 2, e1)
        let (_, e2) = try mpi(2, ["run", "models/hopfield-hebbian.yaml", "--out", out], expectStatus: 64)
        XCTAssertEqual(e2.components(separatedBy: "reverie run is one process").count, 2, e2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testAKilledRankEndsTheSweepOnEveryRankWithinSeconds() throws {
        let out = try tempDir().appendingPathComponent("out").path
        let p = Process()
        p.executableURL = Self.mpirun
        p.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", "2", Self.binary.path,
                       "experiment", "models/hopfield-unlearning.yaml", "--repeats", "8", "-q", "--out", out]
        p.currentDirectoryURL = Self.repo
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        // Rank 1: the reverie process started for this --out with OMPI_COMM_WORLD_RANK=1.
        var victim: Int32?
        let found = Date().addingTimeInterval(60)
        while victim == nil && Date() < found && p.isRunning {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
                guard let pid = Int32(name),
                      let cmdline = FileManager.default.contents(atPath: "/proc/\(name)/cmdline"),
                      String(decoding: cmdline, as: UTF8.self).contains(out),
                      let environ = FileManager.default.contents(atPath: "/proc/\(name)/environ"),
                      environ.split(separator: 0).contains(where: { String(decoding: $0, as: UTF8.self) == "OMPI_COMM_WORLD_RANK=1" })
                else { continue }
                victim = pid
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let rank1 = try XCTUnwrap(victim, "no rank 1 process found")
        Thread.sleep(forTimeInterval: 1)   // in the middle of its runs
        XCTAssertEqual(kill(rank1, SIGKILL), 0)
        let killed = Date()
        let deadline = killed.addingTimeInterval(30)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if p.isRunning {
            p.terminate()
            XCTFail("mpirun still running 30 s after rank 1 was killed")
        }
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertNotEqual(p.terminationStatus, 0)
        XCTAssertTrue(stderr.contains("process rank 1") && stderr.contains("signal 9"), stderr)
        XCTAssertLessThan(Date().timeIntervalSince(killed), 30)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/runs.csv"), "no partial outputs")
    }
}
