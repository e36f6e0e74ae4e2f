import ArgumentParser
import Foundation
import ReverieModels
import ReverieSpec

/// Strong scaling of one spiking network over threads (`reverie run --threads`)
/// and, with `--ranks`, over MPI ranks (`mpirun -np R reverie run`):
/// Brette benchmark 4 at each N (80 % excitatory, 80 synapses per unit) on 1 and
/// more threads, alternating thread counts within each repeat. Speed-up is the
/// best (and median) wall time of the simulation loop on one thread over that on
/// T threads; the process CPU time shows what waiting costs; with shards, the
/// wall time in the rounds (units advancing, the slowest shard) and in the
/// exchange between them, the shards' own work in the rounds (the least and the
/// most busy; the rest of a round they wait for the slowest), and the bytes of
/// shard 0's synapses. Every thread count must give the same spikes.
struct ThreadsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threads",
        abstract: "Benchmark 4 on 1 and more threads: wall-time speed-up, parallel efficiency, CPU time, identical spikes.")

    @Option(help: "The benchmark's model file.")
    var model = "models/brette-benchmark4.yaml"

    @Option(name: .customLong("n"), parsing: .upToNextOption, help: "Network sizes (80% excitatory; in-degrees unchanged).")
    var sizes: [Int] = [64000, 256_000]

    @Option(parsing: .upToNextOption, help: "Thread counts (the first is the reference).")
    var threads: [Int] = [1, 2]

    @Option(parsing: .upToNextOption, help: "Also MPI rank counts: `mpirun -np R reverie run` (one thread per rank), timed by the run's own phase line.")
    var ranks: [Int] = []

    @Option(help: "Simulated time (ms).")
    var duration = 1000.0

    @Option(help: "Runs per thread count, alternating.")
    var repeats = 3

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    func validate() throws {
        guard sizes.allSatisfy({ $0 >= 100 }), !threads.isEmpty, threads.allSatisfy({ (1...64).contains($0) }), repeats >= 1, duration > 0 else {
            throw ValidationError("--n ≥ 100, --threads in 1...64, --repeats ≥ 1 and --duration > 0")
        }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark with `swift run -c release reverie-bench threads`")
        #endif
        print("      N  threads  wall best  wall median  CPU best  speed-up (best, median)  efficiency  rounds  exchange  busy (least, most)  synapse MB  spikes")
        for n in sizes {
            let exc = Int((0.8 * Double(n)).rounded())
            let spec = try ModelSpec.load(path: model, overrides: ["populations[0].size=\(exc)", "populations[1].size=\(n - exc)", "seed=\(seed)"])
            var wall = [Int: [Double]](), cpu = [Int: [Double]](), spikes = [Int: Int](), split = [Int: ShardSeconds](), bytes = [Int: Int]()
            for _ in 0..<repeats {
                for t in threads {
                    let net = try RunContext(model: spec, seed: seed, threads: t).network(SpikingFamily.self)
                    let cpu0 = Self.processCPUSeconds(), timer = CPUTimer()
                    net.run(until: duration)
                    let seconds = timer.wallSeconds
                    if seconds < wall[t]?.min() ?? .infinity { split[t] = net.shardSeconds }  // the best run's
                    wall[t, default: []].append(seconds)
                    cpu[t, default: []].append(Self.processCPUSeconds() - cpu0)
                    if let s = spikes[t], s != net.spikes { throw BenchError("repeats differ on \(t) threads") }
                    spikes[t] = net.spikes
                    bytes[t] = net.projections.reduce(0) { $0 + $1.bytes }  // shard 0's synapses
                }
            }
            guard Set(spikes.values).count == 1 else { throw BenchError("spike counts differ between thread counts: \(spikes)") }
            let ref = threads[0]
            if !ranks.isEmpty { try printRanks(n: n, exc: exc, reference: wall[ref]!, spikes: spikes[ref]!) }
            for t in threads {
                let best = wall[t]!.min()!, speedup = wall[ref]!.min()! / best, speedupMedian = median(wall[ref]!) / median(wall[t]!)
                let s = split[t]!
                print(String(format: "%7ld  %7ld  %9.3f  %11.3f  %8.3f  %8.2f×, %5.2f×           %9.0f%%  %6@  %8@  %18@  %10.1f  %ld", n, t, best,
                             median(wall[t]!), cpu[t]!.min()!, speedup, speedupMedian, 100 * speedup * Double(ref) / Double(t),
                             t > 1 ? String(format: "%6.3f", s.rounds) : "     –", t > 1 ? String(format: "%8.3f", s.exchange) : "       –",
                             t > 1 ? String(format: "%8.3f, %.3f", s.busy.min()!, s.busy.max()!) : "                 –",
                             Double(bytes[t]!) / 1e6, spikes[t]!))
            }
        }
    }

    /// `mpirun -np R reverie run` per rank count, alternating: the wall time of the
    /// simulation phase as rank 0 prints it, against `reference` (one process, one thread),
    /// with rank 0's time in and between rounds and its peak memory.
    func printRanks(n: Int, exc: Int, reference: [Double], spikes: Int) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("reverie").path
        guard FileManager.default.fileExists(atPath: binary) else { throw BenchError("no reverie beside reverie-bench (build it: swift build -c release)") }
        var wall = [Int: [Double]](), split = [Int: (rounds: Double, exchange: Double, megabytes: Double)]()
        for _ in 0..<repeats {
            for r in ranks {
                let p = Process(), pipe = Pipe()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                p.arguments = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "\(r)", binary, "run", model,
                               "--set", "populations[0].size=\(exc)", "--set", "populations[1].size=\(n - exc)", "--set", "seed=\(seed)",
                               "--set", "protocol[0].duration=\(duration)"]
                p.standardOutput = pipe
                p.standardError = FileHandle.nullDevice  // the progress lines
                try p.run()
                let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.waitUntilExit()
                guard p.terminationStatus == 0, let m = text.firstMatch(of: /simulated \S+ ms in ([0-9.e+-]+) s: (\d+) spikes/),
                      let seconds = Double(m.1), Int(m.2) == spikes else {
                    throw BenchError("mpirun -np \(r) reverie run failed or gave other spikes (exit \(p.terminationStatus)):\n\(text)")
                }
                // One rank runs the network whole: no line on shards.
                let s = text.firstMatch(of: /([0-9.e+-]+) s in rounds .*, ([0-9.e+-]+) s between them .*peak memory of this process (\d+) MB/)
                if seconds < wall[r]?.min() ?? .infinity, let s { split[r] = (Double(s.1)!, Double(s.2)!, Double(s.3)!) }  // the best run's
                wall[r, default: []].append(seconds)
            }
        }
        for r in ranks {
            let best = wall[r]!.min()!, speedup = reference.min()! / best
            let s = split[r]
            print(String(format: "%7ld  %2ld ranks  %9.3f  %11.3f         –  %8.2f×                  %9.0f%%  %6@  %8@                   –           –  %ld%@",
                         n, r, best, median(wall[r]!), speedup, 100 * speedup / Double(r),
                         s.map { String(format: "%6.3f", $0.rounds) } ?? "     –", s.map { String(format: "%8.3f", $0.exchange) } ?? "       –",
                         spikes, s.map { String(format: "  (rank 0: peak memory %.0f MB)", $0.megabytes) } ?? ""))
        }
    }

    /// User + system CPU time of the whole process (every thread).
    static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + 1e-9 * Double(ts.tv_nsec)
    }
}
