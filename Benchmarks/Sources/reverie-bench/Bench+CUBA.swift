import ArgumentParser
import Foundation
import ReverieKernel
import ReverieModels
import ReverieSpec

/// The Vogels–Abbott CUBA network (models/cuba-vogels-abbott.yaml, docs/science.md §6)
/// against NEST's `iaf_psc_exp_ps` (Benchmarks/peers/nest) and Brian2 in C++
/// standalone mode (Benchmarks/peers/brian2/cuba.py), one thread each, in one
/// invocation on the same network: Reverie exports the connectivity, weights,
/// per-synapse delays, initial potentials and its own spikes; NEST simulates it
/// at `--nest-resolutions` (the first timed and compared with Reverie, the
/// others compared with the first), Brian2 on its `--peer-dt` grid.
/// Larger N keeps the model's mean in-degree (the connection probability is
/// scaled by N_model / N). Times are CPU seconds of the simulation loop (Reverie:
/// this thread; NEST: process CPU time of nest.Simulate; Brian2: its own
/// std::clock() figure); best and median of `--repeats` runs.
struct CUBABench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cuba",
        abstract: "Synaptic events/s, rates, CVs and spike agreement on the CUBA network against NEST iaf_psc_exp_ps and Brian2.")

    @Option(help: "The model file (two lif-exp populations, excitatory first, probability connectivity).")
    var model = "models/cuba-vogels-abbott.yaml"

    @Option(name: .customLong("n"), parsing: .upToNextOption, help: "Network sizes (80% excitatory; mean in-degree kept).")
    var sizes: [Int] = [4000, 64000]

    @Option(parsing: .upToNextOption, help: "Simulated time (ms), one for all sizes or one per size.")
    var durations: [Double] = [10000]

    @Option(help: "Seed of the network and initial potentials.")
    var seed: UInt64 = 1

    @Option(help: "Runs per simulator; best and median CPU time are reported.")
    var repeats = 3

    @Option(parsing: .upToNextOption, help: "NEST resolutions (ms): the first is timed and compared with Reverie, later ones with it.")
    var nestResolutions: [Double] = [0.1, 0.05]

    @Option(help: "Spike times agree when within this (ms).")
    var tolerance = 1e-6

    @Option(help: "Brian2's time step (ms).")
    var peerDt = 0.1

    @Flag(help: "Skip NEST.")
    var noNest = false

    @Flag(help: "Skip Brian2.")
    var noBrian2 = false

    @Option(help: "Also write the rows as a JSON array to this file.")
    var json: String?

    @Option(help: "Keep the exported network (and Reverie's spikes) of the last size in this directory.")
    var keepNetwork: String?

    func validate() throws {
        guard sizes.allSatisfy({ $0 >= 100 }) else { throw ValidationError("--n values must be at least 100") }
        guard durations.count == 1 || durations.count == sizes.count, durations.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--durations: one positive value, or one per --n")
        }
        guard repeats >= 1, peerDt > 0, tolerance >= 0, !nestResolutions.isEmpty, nestResolutions.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--repeats, --peer-dt and --nest-resolutions must be positive, --tolerance ≥ 0")
        }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark with `swift run -c release reverie-bench cuba`")
        #endif
        let nest = noNest ? nil : try PeerProcess.environment("Benchmarks/peers/nest")
        let brian2 = noBrian2 ? nil : try PeerProcess.environment("Benchmarks/peers/brian2")
        let dir = keepNetwork ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("reverie-bench-cuba-\(ProcessInfo.processInfo.processIdentifier)").path
        defer { if keepNetwork == nil { try? FileManager.default.removeItem(atPath: dir) } }
        var rows: [[String: Any]] = []
        print("      N  simulator              rate Hz  CV ISI  spikes     syn. events  best s   median s  events/s   ratio")
        for (index, n) in sizes.enumerated() {
            let duration = durations.count == 1 ? durations[0] : durations[index]
            let base = try ModelSpec.load(path: model)
            guard base.populations.count == 2, base.populations.allSatisfy({ $0.model == "lif-exp" }),
                  let part = base.part(SpikingFamily.self) else {
                throw BenchError("\(model): expected two lif-exp populations (excitatory, inhibitory)")
            }
            let scale = Double(base.populations.reduce(0) { $0 + $1.size }) / Double(n)
            var overrides = ["populations[0].size=\(Int((0.8 * Double(n)).rounded()))",
                             "populations[1].size=\(n - Int((0.8 * Double(n)).rounded()))", "seed=\(seed)"]
            for (k, p) in part.projections.enumerated() {
                guard case .probability(let q) = p.connectivity else { throw BenchError("\(model): projection \(p.name) is not probability connectivity") }
                overrides.append("projections[\(k)].probability=\(min(1, q * scale))")
            }
            let spec = try ModelSpec.load(path: model, overrides: overrides)
            // Reverie: a fresh network per repeat; every repeat gives the same spikes.
            var seconds: [Double] = []
            var net: SpikingNetwork!
            for _ in 0..<repeats {
                let run = try RunContext(model: spec, seed: seed).network(SpikingFamily.self)
                let timer = CPUTimer()
                run.run(until: duration)
                seconds.append(timer.cpuSeconds)
                if let net, net.spikes != run.spikes { throw BenchError("repeats differ: \(net.spikes) and \(run.spikes) spikes") }
                net = run
            }
            let all = 0..<net.unitCount
            let rate = net.statistics.meanRate(all, duration: net.time), cv = net.statistics.meanCV(all).cv
            let reverie = Double(net.synapticEvents) / seconds.min()!
            rows.append(["n": n, "simulator": "reverie", "duration_ms": duration, "rate_hz": rate, "cv_isi": cv, "spikes": net.spikes,
                         "synaptic_events": net.synapticEvents, "best_seconds": seconds.min()!, "median_seconds": median(seconds),
                         "events_per_second": reverie])
            print(String(format: "%7ld  reverie (exact)       %7.3f  %6.3f  %-9ld  %-11ld  %7.3f  %8.3f  %9.3e", n, rate, cv, net.spikes,
                         net.synapticEvents, seconds.min()!, median(seconds), reverie))
            guard nest != nil || brian2 != nil else { continue }
            // The network as built (before any run), and Reverie's spikes on it.
            let fresh = try RunContext(model: spec, seed: seed).network(SpikingFamily.self)
            try NetworkExport.write(fresh, to: dir)
            try NetworkExport.writeSpikes(try NetworkExport.recordSpikes(fresh, until: duration), to: dir)
            if let nest {
                var runs: [[String: Any]] = []
                for r in 0..<repeats {
                    let resolutions = r == 0 ? nestResolutions : [nestResolutions[0]]
                    runs.append(try PeerProcess.runJSON([nest, "Benchmarks/peers/nest/simulate.py", "--network", dir, "--duration-ms", "\(duration)",
                                                         "--resolutions"] + resolutions.map { "\($0)" }
                                                        + ["--reference", dir, "--tolerance-ms", "\(tolerance)"]))
                }
                rows.append(peerRow(n, "nest", runs, reverie: reverie, label: "nest \(runs[0]["nest_version"] ?? "?") exp_ps"))
                let first = runs[0]
                print(String(format: "         Reverie and NEST (h = %g ms) agree within %g ms until t = %.1f ms (%ld spikes, largest difference %.2e ms)",
                             nestResolutions[0], tolerance, Self.number(first, "agree_until_ms"), Int(Self.number(first, "agree_spikes")),
                             Self.number(first, "agree_max_difference_ms")))
                for other in (first["self"] as? [[String: Any]]) ?? [] {
                    print(String(format: "         NEST h = %g against h = %g ms: agree until t = %.1f ms (%ld spikes, largest difference %.2e ms); %.3f Hz, CV %.3f",
                                 nestResolutions[0], Self.number(other, "resolution_ms"), Self.number(other, "agree_until_ms"),
                                 Int(Self.number(other, "agree_spikes")), Self.number(other, "agree_max_difference_ms"),
                                 Self.number(other, "rate_hz"), Self.number(other, "cv_isi")))
                }
                print(String(format: "         rate difference %+.2f%%, CV difference %+.4f (Reverie − NEST)",
                             100 * (rate - Self.number(first, "rate_hz")) / Self.number(first, "rate_hz"), cv - Self.number(first, "cv_isi")))
            }
            if let brian2 {
                let build = dir + "-brian2-build"
                defer { try? FileManager.default.removeItem(atPath: build) }
                let runs = try (0..<repeats).map { _ in
                    try PeerProcess.runJSON([brian2, "Benchmarks/peers/brian2/cuba.py", "--network", dir, "--duration-ms", "\(duration)",
                                             "--dt-ms", "\(peerDt)", "--build-dir", build])
                }
                rows.append(peerRow(n, "brian2", runs, reverie: reverie, label: "brian2 \(runs[0]["brian2_version"] ?? "?") dt \(peerDt)"))
            }
        }
        if let json {
            try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: json))
        }
    }

    /// Prints and returns a peer's row: best and median of its runs' sim_seconds.
    func peerRow(_ n: Int, _ name: String, _ runs: [[String: Any]], reverie: Double, label: String) -> [String: Any] {
        let seconds = runs.map { Self.number($0, "sim_seconds") }
        let first = runs[0], events = Self.number(first, "synaptic_events")
        let rate = events / seconds.min()!
        print(String(format: "%7ld  %-21@ %7.3f  %6.3f  %-9ld  %-11ld  %7.3f  %8.3f  %9.3e  %6.2f×", n, label, Self.number(first, "rate_hz"),
                     Self.number(first, "cv_isi"), Int(Self.number(first, "spikes")), Int(events), seconds.min()!, median(seconds),
                     rate, reverie / rate))
        var row = first
        row.merge(["n": n, "simulator": name, "best_seconds": seconds.min()!, "median_seconds": median(seconds),
                   "events_per_second": rate, "ratio": reverie / rate]) { $1 }
        return row
    }

    static func number(_ o: [String: Any], _ key: String) -> Double { (o[key] as? NSNumber)?.doubleValue ?? .nan }
}
