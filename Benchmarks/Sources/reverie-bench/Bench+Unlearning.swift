import ArgumentParser
import Foundation
import ReverieKernel
import ReverieModels

/// Hebbian unlearning (docs/science.md §3) from Hebbian couplings up to D_in, the first
/// checked D at which every pattern is a fixed point, against the numpy reference
/// `Benchmarks/peers/numpy/unlearning.py` run in the same invocation with the same N, α, ε and
/// check schedule (its random numbers differ, so its D_in differs slightly; the
/// ratio is per dream, and also given for the whole run). Both sides are timed in
/// CPU time of their thread (the peer's BLAS on one thread), wall time in parentheses.
struct UnlearningBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlearning",
        abstract: "Dreams per second up to D_in at N = 500, α = 0.6, and the ratio against numpy.")

    @Option(name: .customLong("n"), help: "Number of units N.")
    var size = 500

    @Option(help: "Load α = P/N.")
    var alpha = 0.6

    @Option(help: "Unlearning rate ε.")
    var epsilon = 0.01

    @Option(help: "Check whether all patterns are fixed points every k dreams.")
    var checkEvery = 250

    @Option(help: "Upper bound on dreams.")
    var maxDreams = 200_000

    @Option(help: "Update order of the dynamics (random-sequential, as numpy, or poisson).")
    var order = "random-sequential"

    @Option(help: "Cap on the numpy peer's dreams (default: up to its D_in).")
    var peerDreams: Int?

    @Option(help: "The numpy peer script.")
    var peerScript = "Benchmarks/peers/numpy/unlearning.py"

    @Flag(help: "Skip the numpy peer.")
    var noPeer = false

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    func validate() throws {
        guard size >= 10 else { throw ValidationError("--n must be at least 10") }
        guard alpha > 0, alpha * Double(size) >= 1 else { throw ValidationError("--alpha must give at least one pattern") }
        guard epsilon > 0 else { throw ValidationError("--epsilon must be positive") }
        guard checkEvery >= 1, maxDreams >= 1 else { throw ValidationError("--check-every and --max-dreams must be positive") }
        guard UpdateOrder(rawValue: order) != nil else {
            throw ValidationError("--order must be one of " + UpdateOrder.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark with `swift run -c release reverie-bench unlearning`")
        #endif
        var rng = RandomStream(seed: seed, stream: 1)
        let patterns = PatternSet.random(count: Int((alpha * Double(size)).rounded()), size: size, rng: &rng)
        let net = BinaryNetwork(populations: [("memory", size)], dynamics: BinaryDynamics(order: UpdateOrder(rawValue: order)!),
                                rng: RandomStream(seed: seed, stream: 2))
        net.connect("recurrent", from: 0, to: 0, synapses: .dense(patterns.hebbianCouplings()), skipSelf: true)
        let dreaming = HebbianUnlearning(network: net, projection: 0, epsilon: epsilon, noise: RandomStream(seed: seed, stream: 3))
        var probe = RandomStream(seed: seed, stream: 4)
        let schedule = UnlearningSchedule(maxDreams: maxDreams, measureEvery: 0, checkEvery: checkEvery, stopAtAllStable: true)
        let timer = CPUTimer()
        let summary = try? dreaming.run(schedule, patterns: patterns, probe: &probe)
        let (seconds, wall) = (timer.cpuSeconds, timer.wallSeconds)
        guard let summary else { throw BenchError("a dream did not reach a fixed point") }
        let perDream = seconds / Double(summary.dreams)
        func dIn(_ d: Int?) -> String { d.map { String(format: "%ld (D·ε/N = %.3f)", $0, Double($0) * epsilon / Double(size)) } ?? "not reached" }
        print(String(format: "N = %ld, α = %.2f (P = %ld), ε = %g, %@ order, check every %ld dreams; CPU time (wall)",
                     size, alpha, patterns.count, epsilon, order, checkEvery))
        print(String(format: "reverie: D_in %@, %ld dreams in %.2f s (%.2f s), %.1f µs/dream, %.0f flips/dream",
                     dIn(summary.dIn), summary.dreams, seconds, wall, perDream * 1e6,
                     Double(dreaming.dreamFlips) / Double(summary.dreams)))
        if case .dense(let w) = dreaming.couplings {
            // FNV-1a over the 64-bit patterns: equal checksums mean bit-identical couplings.
            let sum = w.weights.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ $1.bitPattern) &* 0x100_0000_01b3 }
            print(String(format: "reverie: final couplings checksum %016lx, %ld flips in all", sum, dreaming.dreamFlips))
        }
        guard !noPeer else { return }
        var args = [PeerProcess.python, peerScript, "--n", "\(size)", "--alpha", "\(alpha)", "--epsilon", "\(epsilon)",
                    "--measure-every", "\(checkEvery)", "--seed", "\(seed)", "--max-dreams", "\(peerDreams ?? maxDreams)"]
        if peerDreams != nil { args += ["--no-stop"] }
        let peer = try PeerProcess.runJSON(args)
        let peerSeconds = (peer["cpu_seconds"] as? Double) ?? .nan
        let peerDreamCount = (peer["dreams"] as? Int) ?? 0
        let peerPerDream = peerSeconds / Double(max(peerDreamCount, 1))
        print(String(format: "numpy:   D_in %@, %ld dreams in %.2f s (%.2f s), %.1f µs/dream, %.0f flips/dream",
                     dIn(peer["d_in"] as? Int), peerDreamCount, peerSeconds, (peer["seconds"] as? Double) ?? .nan,
                     peerPerDream * 1e6,
                     ((peer["flips"] as? Double) ?? Double((peer["flips"] as? Int) ?? 0)) / Double(max(peerDreamCount, 1))))
        var ratio = String(format: "ratio: %.1fx per dream", peerPerDream / perDream)
        if peerDreams == nil { ratio += String(format: ", %.1fx for the whole run to D_in", peerSeconds / seconds) }
        print(ratio)
    }
}
