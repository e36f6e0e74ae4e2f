import ArgumentParser
import Foundation
import ReverieKernel
import ReverieModels
import ReverieSpec
import ReverieTraces

/// Brette et al. (2007) benchmark 4 (docs/science.md §6) with exact spike times
/// against Brian2 in C++ standalone mode on one thread (Benchmarks/peers/brian2), run in
/// the same invocation on the same network: the connectivity and initial
/// potentials Reverie drew are exported for Brian2 (`--network`), which
/// integrates on its time grid. Reverie's time is the CPU time of the
/// simulation loop; Brian2's is its own measure of the run (build excluded);
/// each side reports the best of `--repeats` runs.
struct LIFBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lif",
        abstract: "Synaptic events/s, rates and CVs of ISIs on Brette benchmark 4 at N = 4000 and 64 000, against Brian2.")

    @Option(help: "The benchmark's model file (two lif populations, excitatory first).")
    var model = "models/brette-benchmark4.yaml"

    @Option(name: .customLong("n"), parsing: .upToNextOption, help: "Network sizes (80% excitatory; in-degrees unchanged).")
    var sizes: [Int] = [4000, 64000]

    @Option(help: "Simulated time (ms).")
    var duration = 10000.0

    @Option(help: "Spike queue: ring, heap or both.")
    var queue = "both"

    @Option(help: "Seed of the network and initial potentials.")
    var seed: UInt64 = 1

    @Option(help: "Python of the Brian2 environment (made by Benchmarks/peers/brian2/setup.sh, which runs when it is missing).")
    var peerPython = "Benchmarks/peers/brian2/.venv/bin/python"

    @Option(help: "The Brian2 peer script.")
    var peerScript = "Benchmarks/peers/brian2/benchmark4.py"

    @Option(help: "Brian2's time step (ms).")
    var peerDt = 0.125

    @Flag(help: "Skip Brian2.")
    var noPeer = false

    @Flag(help: "Also run NEST's iaf_psc_delta_ps on the same network (Benchmarks/peers/nest) and report where its spikes and Reverie's part.")
    var nest = false

    @Option(parsing: .upToNextOption, help: "NEST resolutions (ms) with --nest: the first compared with Reverie, later ones with it.")
    var nestResolutions: [Double] = [0.125, 0.025]

    @Option(help: "Runs per simulator; the best (least CPU time) is reported. Brian2 compiles once.")
    var repeats = 2

    @Option(help: "Also write the rows as a JSON array to this file.")
    var json: String?

    func validate() throws {
        guard sizes.allSatisfy({ $0 >= 100 }) else { throw ValidationError("--n values must be at least 100") }
        guard duration > 0, peerDt > 0, repeats >= 1 else { throw ValidationError("--duration, --peer-dt and --repeats must be positive") }
        guard ["ring", "heap", "both"].contains(queue) else { throw ValidationError("--queue must be ring, heap or both") }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark with `swift run -c release reverie-bench lif`")
        #endif
        if !noPeer && !FileManager.default.fileExists(atPath: peerPython) {
            // Brian2 from PyPI into Benchmarks/peers/brian2/.venv (about 20 s).
            print("no Brian2 environment at \(peerPython): running Benchmarks/peers/brian2/setup.sh")
            let setup = Process()
            setup.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            setup.arguments = ["bash", "Benchmarks/peers/brian2/setup.sh"]
            try setup.run()
            setup.waitUntilExit()
            guard setup.terminationStatus == 0, FileManager.default.fileExists(atPath: peerPython) else {
                throw BenchError("Benchmarks/peers/brian2/setup.sh failed (exit \(setup.terminationStatus)); pass --no-peer to skip Brian2")
            }
        }
        let queues = queue == "both" ? ["ring", "heap"] : [queue]
        var rows: [[String: Any]] = []
        defer {
            try? FileManager.default.removeItem(atPath: exportDirectory)
            try? FileManager.default.removeItem(atPath: exportDirectory + "-brian2-build")
        }
        print("      N  simulator         queue/dt   rate Hz  CV ISI  spikes      syn. events  seconds  events/s   B/synapse  ratio")
        for n in sizes {
            let exc = Int((0.8 * Double(n)).rounded()), inh = n - exc
            var reverieRate = 0.0
            for q in queues {
                let spec = try ModelSpec.load(path: model, overrides: [
                    "populations[0].size=\(exc)", "populations[1].size=\(inh)", "spiking.queue=\(q)", "seed=\(seed)"])
                guard spec.populations.count == 2, spec.populations.allSatisfy({ $0.model == "lif" }),
                      spec.part(SpikingFamily.self)!.projections.allSatisfy({ $0.rule == nil && $0.weight == .constant($0.weight.mean) }) else {
                    throw BenchError("\(model): expected two lif populations (excitatory, inhibitory) and static projections with one weight each")
                }
                // A fresh network per repeat; every repeat gives the same spikes.
                var net: SpikingNetwork!
                var seconds = Double.infinity
                for r in 0..<repeats {
                    let run = try RunContext(model: spec, seed: seed).network(SpikingFamily.self)
                    if r == 0 && q == queues[0] && !noPeer { try export(run, spec: spec) }
                    let timer = CPUTimer()
                    run.run(until: duration)
                    seconds = min(seconds, timer.cpuSeconds)
                    if let net, net.spikes != run.spikes { throw BenchError("repeats differ: \(net.spikes) and \(run.spikes) spikes") }
                    net = run
                }
                let all = 0..<net.unitCount
                let rate = net.statistics.meanRate(all, duration: net.time), cv = net.statistics.meanCV(all).cv
                let bytes = Double(net.projections.reduce(0) { $0 + $1.bytes }) / Double(net.projections.reduce(0) { $0 + $1.rows.synapseCount })
                reverieRate = Double(net.synapticEvents) / seconds
                rows.append(["n": n, "simulator": "reverie", "queue": q, "rate_hz": rate, "cv_isi": cv, "spikes": net.spikes,
                             "synaptic_events": net.synapticEvents, "seconds": seconds, "events_per_second": reverieRate,
                             "bytes_per_synapse": bytes])
                print(String(format: "%7ld  reverie (exact)   %-9@ %8.3f  %6.3f  %-10ld  %-11ld  %7.3f  %9.3e  %9.2f", n, q, rate, cv, net.spikes,
                             net.synapticEvents, seconds, reverieRate, bytes))
                if q == queues[0] && !noPeer {
                    let build = exportDirectory + "-brian2-build"
                    try? FileManager.default.removeItem(atPath: build)
                    func seconds(_ run: [String: Any]) -> Double { (run["sim_seconds"] as? NSNumber)?.doubleValue ?? .infinity }
                    let peer = try (0..<repeats).map { _ in
                        try PeerProcess.runJSON([peerPython, peerScript, "--network", exportDirectory, "--duration-ms", "\(duration)",
                                                 "--dt-ms", "\(peerDt)", "--build-dir", build])
                    }.min { seconds($0) < seconds($1) }!
                    func number(_ k: String) -> Double { (peer[k] as? NSNumber)?.doubleValue ?? .nan }
                    let peerRate = number("events_per_second")
                    rows.append(["n": n, "simulator": "brian2", "version": peer["brian2_version"] ?? "?", "dt_ms": peerDt,
                                 "rate_hz": number("rate_hz"), "cv_isi": number("cv_isi"), "spikes": number("spikes"),
                                 "synaptic_events": number("synaptic_events"), "seconds": number("sim_seconds"),
                                 "events_per_second": peerRate, "ratio": reverieRate / peerRate])
                    print(String(format: "%7ld  brian2 %-10@ %-9@ %8.3f  %6.3f  %-10ld  %-11ld  %7.3f  %9.3e  %9@  %5.2f×", n,
                                 (peer["brian2_version"] as? String) ?? "?", "dt \(peerDt)", number("rate_hz"), number("cv_isi"),
                                 Int(number("spikes")), Int(number("synaptic_events")), number("sim_seconds"), peerRate, "",
                                 reverieRate / peerRate))
                    print(String(format: "         rate difference %+.1f%%, CV difference %+.3f (Reverie − Brian2)",
                                 100 * (rate - number("rate_hz")) / number("rate_hz"), cv - number("cv_isi")))
                }
                if q == queues[0] && nest { rows.append(try compareWithNEST(spec, n: n, reverieRate: reverieRate)) }
            }
        }
        if let json {
            try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: json))
        }
    }

    /// NEST's iaf_psc_delta_ps on the network Reverie builds from `spec`: one
    /// run per resolution, the first timed and compared with Reverie's spikes.
    func compareWithNEST(_ spec: ModelSpec, n: Int, reverieRate: Double) throws -> [String: Any] {
        let python = try PeerProcess.environment("Benchmarks/peers/nest")
        let dir = exportDirectory + "-nest"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fresh = try RunContext(model: spec, seed: seed).network(SpikingFamily.self)
        try NetworkExport.write(fresh, to: dir)
        try NetworkExport.writeSpikes(try NetworkExport.recordSpikes(fresh, until: duration), to: dir)
        let r = try PeerProcess.runJSON([python, "Benchmarks/peers/nest/simulate.py", "--network", dir, "--duration-ms", "\(duration)",
                                         "--resolutions"] + nestResolutions.map { "\($0)" } + ["--reference", dir])
        func number(_ o: [String: Any], _ k: String) -> Double { (o[k] as? NSNumber)?.doubleValue ?? .nan }
        let events = number(r, "events_per_second")
        print(String(format: "%7ld  nest %-12@ h %-7g %8.3f  %6.3f  %-10ld  %-11ld  %7.3f  %9.3e  %9@  %5.2f×", n,
                     (r["nest_version"] as? String) ?? "?", nestResolutions[0], number(r, "rate_hz"), number(r, "cv_isi"),
                     Int(number(r, "spikes")), Int(number(r, "synaptic_events")), number(r, "sim_seconds"), events, "", reverieRate / events))
        print(String(format: "         Reverie and NEST iaf_psc_delta_ps agree within 1e-6 ms until t = %.1f ms (%ld spikes, largest difference %.2e ms)",
                     number(r, "agree_until_ms"), Int(number(r, "agree_spikes")), number(r, "agree_max_difference_ms")))
        for other in (r["self"] as? [[String: Any]]) ?? [] {
            print(String(format: "         NEST h = %g against h = %g ms: agree until t = %.1f ms (%ld spikes)", nestResolutions[0],
                         number(other, "resolution_ms"), number(other, "agree_until_ms"), Int(number(other, "agree_spikes"))))
        }
        var row = r
        row.merge(["n": n, "simulator": "nest", "seconds": number(r, "sim_seconds"), "ratio": reverieRate / events]) { $1 }
        return row
    }

    /// Where the network goes for Brian2 (and Brian2 builds), removed at the end.
    static let exportDirectory = FileManager.default.temporaryDirectory
        .appendingPathComponent("reverie-bench-lif-\(ProcessInfo.processInfo.processIdentifier)").path
    var exportDirectory: String { Self.exportDirectory }

    /// Writes the network in the peer's `--network` format: params.json, the
    /// synapses by source type as global (pre, post) int32 arrays, and v0.npy.
    func export(_ net: SpikingNetwork, spec: ModelSpec) throws {
        let dir = exportDirectory
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let e = net.populations[0], lif = e.lif!
        var pre: [[Int32]] = [[], []], post: [[Int32]] = [[], []]
        var weights: [Double] = [0, 0]
        for proj in net.projections {
            let from = net.populations[proj.pre], to = net.populations[proj.post]
            for j in 0..<proj.rows.preCount {
                for s in proj.rows.rowStart[j]..<proj.rows.rowStart[j + 1] {
                    pre[proj.pre].append(Int32(from.first + j))
                    post[proj.pre].append(Int32(to.first + Int(proj.rows.targets[s])))
                }
            }
            weights[proj.pre] = proj.weight
        }
        let params: [String: Any] = ["n_exc": e.size, "n_inh": net.populations[1].size, "tau_m": lif.tauM, "e_l": lif.vInfinity,
                                     "v_th": lif.vTh, "v_reset": lif.vReset, "t_ref": lif.tRef, "w_exc": weights[0], "w_inh": weights[1],
                                     "delay": net.projections.map(\.delay).min() ?? 0]
        try JSONSerialization.data(withJSONObject: params, options: [.sortedKeys]).write(to: URL(fileURLWithPath: dir + "/params.json"))
        for (k, name) in ["exc", "inh"].enumerated() {
            try NPYWriter.write(pre[k], to: dir + "/\(name)_pre.npy")
            try NPYWriter.write(post[k], to: dir + "/\(name)_post.npy")
        }
        try NPYWriter.write((0..<net.unitCount).map { net.voltage($0) }, to: dir + "/v0.npy")
    }
}
