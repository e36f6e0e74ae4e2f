import XCTest
import Foundation

/// Hostile input through the CLI (issue 14): crafted, damaged and non-trace files,
/// names that look like paths, busy endpoints, absurd speeds, and runs killed while
/// recording. Every command must answer with a clear error or a correct result,
/// never trap (a signal exit) or hang (a watchdog kills it and the test fails).
/// `REVERIE_BIN` runs the tests against another executable (e.g. an older build).
final class HostileCLITests: XCTestCase {
    static var binary: URL {
        ProcessInfo.processInfo.environment["REVERIE_BIN"].map(URL.init(fileURLWithPath:)) ?? CLITests.binary
    }
    static let samples = CLITests.repo.appendingPathComponent("traces/samples")

    struct Result {
        var status: Int32
        var out: String
        var err: String
        /// Killed by a signal: a trap (SIGILL/SIGTRAP), an abort or the watchdog.
        var crashed: Bool
    }

    /// Runs `reverie args` with a watchdog; stdin is /dev/null.
    func run(_ args: [String], timeout: Double = 60, file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        p.currentDirectoryURL = CLITests.repo
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        // Read both pipes while the process runs, so a full pipe never blocks it.
        nonisolated(unsafe) var o = Data(), e = Data()
        let readers = DispatchGroup()
        DispatchQueue.global().async(group: readers) { o = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: readers) { e = err.fileHandleForReading.readDataToEndOfFile() }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(p.processIdentifier, SIGKILL)
            done.wait()
            XCTFail("reverie \(args.joined(separator: " ")) did not finish within \(timeout) s", file: file, line: line)
        }
        readers.wait()
        return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self),
                      crashed: p.terminationReason == .uncaughtSignal)
    }

    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-hostile-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
        return d
    }

    func sample(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: Self.samples.appendingPathComponent(name))) }

    // MARK: Crafted headers

    func testCraftedHeadersAreClearErrorsInEveryCommand() throws {
        let dir = try tempDir()
        let cases: [(String, ([[String: Any]]) -> [[String: Any]], String)] = [
            ("huge", { p in var p = p; p[0]["size"] = Int.max; return p }, "run.populations[0].size is \(Int.max)"),
            ("twins", { p in p + [p[0].merging(["firstID": 100]) { $1 }] }, "run.populations[1].name is a second 'memory'"),
            ("wrap", { p in var p = p; p[0]["firstID"] = Int(UInt32.max); p[0]["size"] = 5; return p }, "run.populations[0].size is 5"),
        ]
        for (name, edit, message) in cases {
            let path = dir.appendingPathComponent("\(name).rvt").path
            try Data(TraceBytes.craft(try sample("hopfield.rvt"), populations: edit)).write(to: URL(fileURLWithPath: path))
            for args in [["trace", "inspect", path], ["trace", "verify", path], ["trace", "export", path, "--recover"],
                         ["trace", "export", path, "--format", "sonata-npy", "--out", dir.appendingPathComponent(name).path],
                         ["replay", path, "--publish", "tcp://127.0.0.1:*"]] {
                let r = try run(args)
                XCTAssertFalse(r.crashed, "\(args): \(r.err)")
                XCTAssertEqual(r.status, 1, "\(args)")
                XCTAssertTrue(r.err.contains("has an invalid header: \(message)"), "\(args): \(r.err)")
            }
        }
    }

    func testExportWritesOnlyInsideOut() throws {
        let dir = try tempDir()
        let names = ["../escaped", "/", "..", ".", "", "a b", String(repeating: "x", count: 400), "sub/dir"]
        let bytes = try TraceBytes.craft(try sample("hopfield.rvt")) { p in
            names.enumerated().map { k, n in ["name": n, "model": "binary", "firstID": k * 100, "size": k == 0 ? 100 : 1] }
        }
        let trace = dir.appendingPathComponent("names.rvt").path
        try Data(bytes).write(to: URL(fileURLWithPath: trace))
        let out = dir.appendingPathComponent("out").path
        let r = try run(["trace", "export", trace, "--format", "sonata-npy", "--events", "up", "--out", out])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("note: population \"../escaped\" is exported as '_.._escaped'"), r.err)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)), ["names.rvt", "out"])
        let made = try FileManager.default.contentsOfDirectory(atPath: out)
        XCTAssertEqual(made.count, names.count)
        for d in made {
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out + "/" + d).sorted(), ["node_ids.npy", "spikes.json", "timestamps.npy"])
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.deletingLastPathComponent().appendingPathComponent("escaped").path))
    }

    /// A spike-trace population fed a recording whose spike times include −∞, NaN and
    /// 1e300 (checksums valid): a model error naming the file, not a trap.
    func testNonFiniteSpikeTimesInAnInputTraceAreAModelError() throws {
        let dir = try tempDir()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("models"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("traces/samples"), withIntermediateDirectories: true)
        let model = dir.appendingPathComponent("models/spike-replay.yaml")
        try FileManager.default.copyItem(at: CLITests.repo.appendingPathComponent("models/spike-replay.yaml"), to: model)
        for (k, time) in [-Double.infinity, .nan, 1e300].enumerated() {
            var b = try sample("benchmark4-exc.rvt")
            // The first record of the first record chunk gets the time; both CRCs are redone.
            let c = TraceBytes.chunks(b).first { $0.type == 1 }!
            withUnsafeBytes(of: time.bitPattern.littleEndian) { b.replaceSubrange((c.offset + 32)..<(c.offset + 40), with: $0) }
            b.replaceSubrange((c.offset + 12)..<(c.offset + 16), with: TraceBytes.le(TraceBytes.crc32(b[(c.offset + 32)..<c.end])))
            b.replaceSubrange((c.offset + 28)..<(c.offset + 32), with: TraceBytes.le(TraceBytes.crc32(b[c.offset..<(c.offset + 28)])))
            try Data(b).write(to: dir.appendingPathComponent("traces/samples/benchmark4-exc.rvt"))
            let r = try run(["run", model.path, "-q"])
            XCTAssertFalse(r.crashed, "time \(time): \(r.err)")
            if k < 2 {
                XCTAssertEqual(r.status, 65, "time \(time): a model error")
                XCTAssertTrue(r.err.contains("populations[0].trace") && r.err.contains("invalid record kind, padding or time"), r.err)
            } else {
                XCTAssertEqual(r.status, 0, "a spike at 1e300 ms is never reached: \(r.err)")
            }
        }
    }

    // MARK: Damaged traces

    func testVerifyReportsADuplicatedChunkExactlyAndExportReadsItOnce() throws {
        let dir = try tempDir()
        var bytes = try sample("hopfield.rvt")
        let chunks = TraceBytes.chunks(bytes)
        let records = chunks.filter { $0.type == 1 }
        let second = records[1]
        bytes.insert(contentsOf: bytes[second.offset..<second.end], at: second.end)
        let path = dir.appendingPathComponent("twice.rvt").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let v = try run(["trace", "verify", path])
        XCTAssertEqual(v.status, 1)
        XCTAssertTrue(v.out.contains("repeats records \(second.first)..<\(second.first + UInt64(second.count)), already read: skipped"), v.out)
        XCTAssertEqual(v.out.components(separatedBy: "damage:").count - 1, 1, v.out)
        XCTAssertFalse(v.out.contains("missing"), v.out)
        let original = try run(["trace", "export", Self.samples.appendingPathComponent("hopfield.rvt").path]).out
        XCTAssertEqual(try run(["trace", "export", path, "--recover"]).out, original)
    }

    /// Item 7 of issue 14: `export --format sonata-npy --recover` of damaged traces finishes.
    func testRecoverExportsOfDamagedTracesFinish() throws {
        let dir = try tempDir()
        let original = try sample("benchmark4-exc.rvt")
        var rng = SplitMix(seed: 14)
        for k in 0..<24 {
            var b = original
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let at = 20 + Int(rng.next() % UInt64(b.count - 60))
                switch rng.next() % 4 {
                case 0: b[at] ^= UInt8(1 << (rng.next() % 8))
                case 1: b.removeSubrange(at..<(at + 1 + Int(rng.next() % 40)))
                case 2: b.insert(contentsOf: (0..<(1 + rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
                default: let from = 20 + Int(rng.next() % UInt64(b.count - 100)); b.insert(contentsOf: b[from..<(from + 64)], at: at)
                }
            }
            let path = dir.appendingPathComponent("m\(k).rvt").path
            try Data(b).write(to: URL(fileURLWithPath: path))
            let r = try run(["trace", "export", path, "--format", "sonata-npy", "--recover", "--out", dir.appendingPathComponent("o\(k)").path])
            XCTAssertFalse(r.crashed, "mutant \(k): \(r.err)")
            XCTAssertTrue(r.status == 0 || r.err.contains("damaged header"), "mutant \(k): \(r.status) \(r.err)")
        }
    }

    // MARK: Files that are not traces

    func testNonTraceFilesAreClearErrorsAndNeverHang() throws {
        let dir = try tempDir()
        let fifo = dir.appendingPathComponent("fifo.rvt").path, loop = dir.appendingPathComponent("loop.rvt").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        let cases = [(dir.path, "is a directory, not a trace file"), ("/dev/null", "is a character device, not a trace file"),
                     (fifo, "is a FIFO (named pipe), not a trace file"),
                     (loop, "too many levels of symbolic links (a symlink loop?)"), (dir.path + "/none.rvt", "no such file")]
        for (path, reason) in cases {
            for args in [["trace", "verify", path], ["trace", "export", path, "--format", "sonata-npy", "--recover", "--out", dir.path + "/o"],
                         ["replay", path, "--publish", "tcp://127.0.0.1:*"]] {
                let r = try run(args, timeout: 20)
                XCTAssertEqual(r.status, 1, "\(args)")
                XCTAssertTrue(r.err.contains("cannot open '\(path)': \(reason)"), "\(args): \(r.err)")
                XCTAssertFalse(r.err.contains("NSCocoaErrorDomain"), r.err)
            }
        }
        // Recording into a directory or a FIFO without a reader: refused at once.
        for (path, reason) in [(dir.path, "is a directory, not a file"), (fifo, "is a FIFO or socket with no process at the other end")] {
            let r = try run(["run", "models/hopfield-recall.yaml", "-q", "--record", path], timeout: 30)
            XCTAssertNotEqual(r.status, 0)
            XCTAssertTrue(r.err.contains("cannot write '\(path)': \(reason)"), r.err)
        }
    }

    func testUnreadableTraceIsAClearError() throws {
        let dir = try tempDir()
        let path = dir.appendingPathComponent("secret.rvt").path
        try Data(try sample("recall.rvt")).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(chmod(path, 0), 0)
        // root reads anything: run as nobody when we are root.
        let asNobody = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
        try XCTSkipUnless(getuid() != 0 || asNobody, "running as root without setpriv")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        let p = Process(), err = Pipe()
        p.executableURL = URL(fileURLWithPath: asNobody ? "/usr/bin/setpriv" : Self.binary.path)
        p.arguments = (asNobody ? ["--reuid=65534", "--regid=65534", "--clear-groups", Self.binary.path] : []) + ["trace", "verify", path]
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 1)
        XCTAssertTrue(message.contains("cannot open '\(path)': permission denied"), message)
    }

    // MARK: Streaming

    func testReplaySpeedIsBounded() throws {
        let trace = Self.samples.appendingPathComponent("recall.rvt").path
        for speed in ["1e-300", "0", "-2", "1e300", "nan", "inf"] {
            let r = try run(["replay", trace, "--publish", "tcp://127.0.0.1:*", "--speed=\(speed)"], timeout: 20)
            XCTAssertEqual(r.status, 64, speed)
            XCTAssertTrue(r.err.contains("--speed") && r.err.contains("between 0.001 and 1000000"), "\(speed): \(r.err)")
        }
        let ok = try run(["replay", trace, "--publish", "tcp://127.0.0.1:*", "--speed", "1000"], timeout: 30)
        XCTAssertEqual(ok.status, 0, ok.err)
        XCTAssertTrue(ok.out.contains("0 dropped by the publisher"), ok.out)
    }

    /// replay requires --publish, and its usage says so (the option group it shares with run makes it optional there).
    func testReplayUsageShowsPublishAsRequired() throws {
        let help = try run(["replay", "--help"], timeout: 20)
        XCTAssertTrue(help.out.contains("USAGE: reverie replay <trace> --publish <endpoint> [--recover]"), help.out)
        let missing = try run(["replay", Self.samples.appendingPathComponent("recall.rvt").path], timeout: 20)
        XCTAssertEqual(missing.status, 64)
        XCTAssertTrue(missing.err.contains("replay needs --publish ENDPOINT"), missing.err)
    }

    func testASecondRunCannotTakeALivePublishEndpoint() throws {
        let dir = try tempDir()
        let endpoint = "ipc://" + dir.appendingPathComponent("live.sock").path
        // The first run holds the endpoint while it waits for a subscriber.
        let first = Process()
        first.executableURL = Self.binary
        first.arguments = ["run", "models/hopfield-recall.yaml", "-q", "--publish", endpoint, "--wait-subscribers", "1", "--wait-timeout", "60"]
        first.currentDirectoryURL = CLITests.repo
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL); first.waitUntilExit() } }
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("live.sock").path) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let second = try run(["run", "models/hopfield-recall.yaml", "-q", "--publish", endpoint], timeout: 30)
        XCTAssertNotEqual(second.status, 0)
        XCTAssertTrue(second.err.contains("cannot publish on '\(endpoint)': another process is publishing there"), second.err)
        XCTAssertTrue(first.isRunning)
    }

    func testRunPublishPrintsWhatItSentAndDropped() throws {
        let r = try run(["run", "models/hopfield-recall.yaml", "-q", "--publish", "tcp://127.0.0.1:*"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertNotNil(r.out.range(of: #"published \d+ messages \(\d+ records\) on tcp://127\.0\.0\.1:\d+ to 0 subscription\(s\), 0 dropped by the publisher"#,
                                    options: .regularExpression), r.out)
    }

    func testMonitorPlainReachesAPipeBeforeItExits() throws {
        let dir = try tempDir()
        let p = Process(), out = Pipe()
        p.executableURL = Self.binary
        p.arguments = ["monitor", "ipc://" + dir.appendingPathComponent("nobody.sock").path, "--plain", "--interval", "1", "--duration", "60"]
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        // The first refresh arrives through the pipe while the monitor is still running.
        nonisolated(unsafe) var first = Data()
        let got = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { first = out.fileHandleForReading.availableData; got.signal() }
        XCTAssertEqual(got.wait(timeout: .now() + 10), .success, "nothing reached the pipe within 10 s")
        XCTAssertTrue(p.isRunning)
        XCTAssertTrue(String(decoding: first, as: UTF8.self).contains("reverie monitor ipc://"))
    }

    // MARK: Crash safety

    /// Runs killed with SIGKILL at random moments while recording: each file is a byte
    /// prefix of the same deterministic stream, and every complete chunk in it reads back.
    func testRecordingsKilledAtRandomMomentsKeepEveryCompleteChunk() throws {
        let dir = try tempDir()
        var rng = SplitMix(seed: 66)
        var files: [[UInt8]] = []
        for k in 0..<10 {
            let path = dir.appendingPathComponent("killed-\(k).rvt").path
            let p = Process()
            p.executableURL = Self.binary
            p.arguments = ["run", "models/hopfield-hebbian.yaml", "-q", "--set", "populations.memory.size=300",
                           "--set", "patterns.memories.count=10", "--weights-every", "4", "--record", path]
            p.currentDirectoryURL = CLITests.repo
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            // From the moment the trace exists (the run has started recording), a random delay.
            let deadline = Date().addingTimeInterval(20)
            while !FileManager.default.fileExists(atPath: path) && p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.002) }
            // Up to 2 s: the run records for 4–5 s (debug build; at size 200 it took under 2 s on a fast host,
            // and kills then landed after its end), with weight snapshots throughout.
            Thread.sleep(forTimeInterval: Double(rng.next() % 2000) / 1000)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path).map(Array.init), "kill \(k): no trace")
            files.append(bytes)
            // An independent walk (CRCs checked here) finds the complete record chunks.
            let chunks = TraceBytes.chunks(bytes), complete = chunks.filter { $0.holdsRecords && $0.intact }
            let v = try run(["trace", "verify", path])
            // A kill after the run wrote its end marker (it was exiting) leaves a whole trace.
            let ended = p.terminationReason == .exit || chunks.contains { $0.type == 2 && $0.intact }
            XCTAssertEqual(v.status, ended ? 0 : 1, v.out)
            if !ended && bytes.count > 20 {
                let damage = v.out.split(separator: "\n").filter { $0.hasPrefix("damage:") }
                XCTAssertTrue(damage.last?.hasPrefix("damage: no end marker") ?? false, v.out)
                XCTAssertTrue(damage.dropLast().allSatisfy { $0.contains("file ends inside a chunk") }, v.out)
                XCTAssertLessThanOrEqual(damage.count, 2, v.out)
            }
            XCTAssertTrue(v.out.contains("\(complete.count) intact chunks") && v.out.contains("\(complete.map(\.count).reduce(0, +)) records recovered"),
                          "kill \(k): \(v.out)")
        }
        // Deterministic run: every killed file is a prefix of the longest one.
        let longest = files.max { $0.count < $1.count } ?? []
        for f in files {
            XCTAssertEqual(memcmp(longest, f, f.count), 0, "a killed file is not a prefix of the longest one")
        }
        XCTAssertEqual(files.count, 10)
        XCTAssertGreaterThan(Set(files.map(\.count)).count, 3, "the kills did not land at different moments")
    }
}

/// A small seeded generator for the tests' random choices (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
