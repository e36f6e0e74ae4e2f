import Foundation

/// Runs a peer implementation (e.g. `python3 Benchmarks/peers/numpy/relax.py …`) and parses
/// the JSON object it prints on its last line. By default the peer's BLAS runs on
/// one thread, like Reverie; `pinThreads: false` leaves numpy's default.
enum PeerProcess {
    /// The repository's virtual environment (made by scripts/bootstrap.sh, with
    /// numpy and pyzmq), else `python3` from the PATH.
    static var python: String {
        FileManager.default.isExecutableFile(atPath: ".venv/bin/python") ? ".venv/bin/python" : "python3"
    }

    /// The Python of a peer's virtual environment `dir/.venv`, made by `dir/setup.sh` when missing.
    static func environment(_ dir: String) throws -> String {
        let python = dir + "/.venv/bin/python"
        if FileManager.default.isExecutableFile(atPath: python) { return python }
        print("no environment at \(python): running \(dir)/setup.sh")
        let setup = Process()
        setup.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        setup.arguments = ["bash", dir + "/setup.sh"]
        try setup.run()
        setup.waitUntilExit()
        guard setup.terminationStatus == 0, FileManager.default.isExecutableFile(atPath: python) else {
            throw BenchError("\(dir)/setup.sh failed (exit \(setup.terminationStatus))")
        }
        return python
    }

    /// The Python for a peer in `directory/name`: its own environment for the peers
    /// that have one (numba), else `python`.
    static func python(forPeer name: String, in directory: String) throws -> String {
        name == "numba" ? try environment(directory + "/numba") : python
    }

    static func runJSON(_ arguments: [String], pinThreads: Bool = true) throws -> [String: Any] {
        guard FileManager.default.fileExists(atPath: arguments[1]) else {
            throw BenchError("peer script \(arguments[1]) not found (run from the repository root or pass --peer-script)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        if pinThreads { for k in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"] { env[k] = "1" } }
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw BenchError("peer \(arguments.joined(separator: " ")) failed (exit \(p.terminationStatus))")
        }
        return obj
    }
}
