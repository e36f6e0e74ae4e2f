import ArgumentParser
import Foundation
import ReverieKernel
import ReverieModels

/// Hebbian unlearning (docs/science.md §3) from Hebbian couplings up to D_in, the first
/// checked D at which every pattern is a fixed point, against peers run in the same
/// invocation with the same N, α, ε and check schedule: a numba `@njit` loop
/// (`Benchmarks/peers/numba/unlearning.py`, its own venv) and the numpy reference
/// (`Benchmarks/peers/numpy/unlearning.py`). Their random numbers differ, so their D_in
/// differs within seed noise; the ratio is per dream, and also given for the whole run.
/// All sides are timed in CPU time of their thread (BLAS on one thread), wall time in
/// parentheses. Each line also gives the bytes a dream moves and the fraction of this
/// machine's ceiling (`reverie-bench roofline`) the loop reaches.
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

    @Option(help: "Dreams whose anti-Hebbian steps are applied in one pass over J (1...16; 1 is bit-identical to the engine).")
    var lazyRank = 1

    @Flag(help: "Dream on the engine (scheduler events) instead of the fast path.")
    var engine = false

    @Flag(help: "Float couplings on the fast path (lazy rank 1): half the bytes; not the double run's bits.")
    var float32 = false

    @Flag(help: "Exact integer couplings on the fast path (lazy rank 1): J = (ε/N) K, K in 16 or 32 bits, the fields in 32.")
    var integer = false

    @Option(help: "With --integer: 16 holds K in 16 bits while |K| allows it (widened to 32 after), 32 in 32 bits throughout.")
    var integerBits = 16

    @Option(parsing: .upToNextOption, help: "Peers to run: numba, numpy.")
    var peers = ["numba", "numpy"]

    @Option(help: "Cap on the peers' dreams (default: up to their D_in).")
    var peerDreams: Int?

    @Option(help: "Directory of the peer scripts (numba/, numpy/).")
    var peerDirectory = "Benchmarks/peers"

    @Flag(help: "Skip the peers.")
    var noPeer = false

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    @Option(help: "Runs of each side, alternating reverie and the peers; best and median CPU time per dream are reported.")
    var repeats = 3

    func validate() throws {
        guard size >= 10 else { throw ValidationError("--n must be at least 10") }
        guard alpha > 0, alpha * Double(size) >= 1 else { throw ValidationError("--alpha must give at least one pattern") }
        guard epsilon > 0 else { throw ValidationError("--epsilon must be positive") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be positive") }
        guard checkEvery >= 1, maxDreams >= 1 else { throw ValidationError("--check-every and --max-dreams must be positive") }
        guard (1...16).contains(lazyRank) else { throw ValidationError("--lazy-rank must be in 1...16") }
        guard !float32 || (lazyRank == 1 && !engine) else { throw ValidationError("--float32 runs on the fast path with --lazy-rank 1") }
        guard !integer || (lazyRank == 1 && !engine && !float32) else {
            throw ValidationError("--integer runs on the fast path with --lazy-rank 1, without --float32")
        }
        guard [16, 32].contains(integerBits) else { throw ValidationError("--integer-bits must be 16 or 32") }
        guard peers.allSatisfy({ ["numba", "numpy"].contains($0) }) else { throw ValidationError("--peers takes numba and numpy") }
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
        // One run from the Hebbian couplings to D_in; every repeat is the same run (same seed).
        func dreamOnce() throws -> (dreaming: HebbianUnlearning, summary: UnlearningSummary, seconds: Double, wall: Double) {
            let net = BinaryNetwork(populations: [("memory", size)], dynamics: BinaryDynamics(order: UpdateOrder(rawValue: order)!),
                                    rng: RandomStream(seed: seed, stream: 2))
            net.connect("recurrent", from: 0, to: 0, synapses: .dense(patterns.hebbianCouplings()), skipSelf: true)
            let dreaming = HebbianUnlearning(network: net, projection: 0, epsilon: epsilon, noise: RandomStream(seed: seed, stream: 3))
            dreaming.usesFastPath = !engine
            dreaming.lazyRank = lazyRank
            dreaming.arithmetic = float32 ? .float : integer ? .integer : .double
            dreaming.shortIntegers = integerBits == 16
            var probe = RandomStream(seed: seed, stream: 4)
            let schedule = UnlearningSchedule(maxDreams: maxDreams, measureEvery: 0, checkEvery: checkEvery, stopAtAllStable: true)
            let timer = CPUTimer()
            let summary = try? dreaming.run(schedule, patterns: patterns, probe: &probe)
            let (seconds, wall) = (timer.cpuSeconds, timer.wallSeconds)
            guard let summary else { throw BenchError("a dream did not reach a fixed point") }
            return (dreaming, summary, seconds, wall)
        }
        let first = try dreamOnce()
        let (dreaming, summary, seconds, wall) = first
        let perDream = seconds / Double(summary.dreams)
        let n = Double(size)
        let flipsPerDream = Double(dreaming.dreamFlips) / Double(summary.dreams)
        // Per dream: the flipped units' rows are read; J is read and written once per pass (every
        // lazy-rank dreams on the fast path, every dream on the engine, whose fused pass also
        // gives the next start's fields); multiply-adds: the update and the start's fields (N² each)
        // and N per flip.
        let bytes = dreaming.shortIntegersUsed ? 2.0 : float32 || dreaming.integerCouplingsUsed ? 4.0 : 8.0
        let roof = Roofline(workingSet: size * size * Int(bytes))
        let rank = engine ? 1 : Double(lazyRank)
        let floor = roof.floor(read: flipsPerDream * n * bytes, updated: n * n * bytes / rank,
                               flop: (float32 || dreaming.integerCouplingsUsed ? 1 : 2) * (2 * n * n + flipsPerDream * n))
        func dIn(_ d: Int?) -> String { d.map { String(format: "%ld (D·ε/N = %.3f)", $0, Double($0) * epsilon / Double(size)) } ?? "not reached" }
        print(String(format: "N = %ld, α = %.2f (P = %ld), ε = %g, %@ order, check every %ld dreams; CPU time (wall)",
                     size, alpha, patterns.count, epsilon, order, checkEvery))
        print(roof.summary)
        print(String(format: "reverie: D_in %@, %ld dreams in %.2f s (%.2f s), %.1f µs/dream, %.0f flips/dream, %@; floor %.1f µs/dream (%.0f%% of the limit)",
                     dIn(summary.dIn), summary.dreams, seconds, wall, perDream * 1e6, flipsPerDream,
                     engine ? "engine" : float32 ? "fast path, float couplings"
                     : dreaming.integerCouplingsUsed ? "fast path, integer couplings (\(dreaming.shortIntegersUsed ? 16 : 32) bits)" : "fast path, lazy rank \(lazyRank)", floor * 1e6, 100 * floor / perDream))
        if case .dense(let w) = dreaming.couplings {
            // FNV-1a over the 64-bit patterns: equal checksums mean bit-identical couplings.
            let sum = w.weights.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ $1.bitPattern) &* 0x100_0000_01b3 }
            print(String(format: "reverie: final couplings checksum %016lx, %ld flips in all", sum, dreaming.dreamFlips))
        }
        var ours = [perDream], theirs = [String: [Double]]()
        for repeat_ in 0..<repeats {
            if repeat_ > 0 {
                let again = try dreamOnce()
                guard again.summary.dreams == summary.dreams, again.dreaming.dreamFlips == dreaming.dreamFlips else {
                    throw BenchError("repeats differ: \(again.summary.dreams) and \(summary.dreams) dreams")
                }
                ours.append(again.seconds / Double(again.summary.dreams))
            }
            guard !noPeer else { continue }
            for peer in peers {
                let python = try PeerProcess.python(forPeer: peer, in: peerDirectory)
                var args = [python, "\(peerDirectory)/\(peer)/unlearning.py", "--n", "\(size)", "--alpha", "\(alpha)",
                            "--epsilon", "\(epsilon)", "--measure-every", "\(checkEvery)", "--seed", "\(seed)",
                            "--max-dreams", "\(peerDreams ?? maxDreams)"]
                if peerDreams != nil { args += ["--no-stop"] }
                let result = try PeerProcess.runJSON(args)
                let peerSeconds = (result["cpu_seconds"] as? Double) ?? .nan
                let peerDreamCount = (result["dreams"] as? Int) ?? 0
                let peerPerDream = peerSeconds / Double(max(peerDreamCount, 1))
                theirs[peer, default: []].append(peerPerDream)
                guard repeat_ == 0 else { continue }
                let peerFlips = ((result["flips"] as? Double) ?? Double((result["flips"] as? Int) ?? 0)) / Double(max(peerDreamCount, 1))
                // The peers' dream: h = J s (J read), the relaxation, then J -= c s sᵀ (read and written).
                let peerFloor = roof.floor(read: n * n * 8 + peerFlips * n * 8, updated: n * n * 8,
                                           flop: 2 * (2 * n * n + peerFlips * n))
                print(String(format: "%@ D_in %@, %ld dreams in %.2f s (%.2f s), %.1f µs/dream, %.0f flips/dream; floor %.1f µs/dream (%.0f%% of the limit)",
                             (peer + ":").padding(toLength: 8, withPad: " ", startingAt: 0), dIn(result["d_in"] as? Int),
                             peerDreamCount, peerSeconds, (result["seconds"] as? Double) ?? .nan, peerPerDream * 1e6, peerFlips,
                             peerFloor * 1e6, 100 * peerFloor / peerPerDream))
                var ratio = String(format: "ratio against %@: %.2fx per dream", peer, peerPerDream / perDream)
                if peerDreams == nil { ratio += String(format: ", %.2fx for the whole run to D_in", peerSeconds / seconds) }
                print(ratio)
            }
        }
        guard repeats > 1 else { return }
        print(String(format: "reverie: best %.1f, median %.1f µs/dream over %ld repeats", ours.min()! * 1e6, median(ours) * 1e6, repeats))
        for peer in peers {
            guard let t = theirs[peer] else { continue }
            print(String(format: "%@ best %.1f, median %.1f µs/dream; ratio %.2fx of the bests, %.2fx of the medians",
                         (peer + ":").padding(toLength: 8, withPad: " ", startingAt: 0), t.min()! * 1e6, median(t) * 1e6,
                         t.min()! / ours.min()!, median(t) / median(ours)))
        }
    }
}
