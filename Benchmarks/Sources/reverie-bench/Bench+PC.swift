import ArgumentParser
import Foundation
import ReverieKernel
import ReverieModels

/// Cost of predictive-coding training and recall (docs/science.md §5) with the
/// event-driven integrator against the synchronous Euler reference, run in the
/// same invocation on the same patterns. Euler runs at the prototype's dt, or at
/// half its stability limit γ/(N + 1) when the prototype's dt is beyond it. With
/// `--peers numba`, the numba peer (`Benchmarks/peers/numba/pc.py`) relaxes the Euler
/// row's trained network from the same starts: CPU time per recall, the ratio, the
/// largest difference of the final values, and each side's fraction of this machine's
/// limit (an Euler step: 4 N² flop, and M read once by Reverie's fused pass, 8 N² bytes,
/// twice by the peer's, for Mᵀσ(v) and M e).
struct PCBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pc",
        abstract: "Wall time of one PC training epoch and of one recall at N = 100 and 400, events/s, event-driven vs Euler.")

    @Option(name: .customLong("n"), parsing: .upToNextOption, help: "Network sizes.")
    var sizes: [Int] = [100, 400]

    @Option(help: "Load α = P/N.")
    var alpha = 0.05

    @Option(help: "Flipped bits per recall, as a fraction of N.")
    var corruption = 0.1

    @Option(parsing: .upToNextOption, help: "Send-on-delta thresholds of the event-driven runs.")
    var sendThresholds = [PCOptions().sendThreshold, 0.1]

    @Option(help: "Learning step of the event-driven trainer (default: dt).")
    var learnStep: Double?

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    @Option(parsing: .upToNextOption, help: "Peers of the Euler recall: numba (none by default).")
    var peers: [String] = []

    @Option(help: "Directory of the peer scripts (numba/).")
    var peerDirectory = "Benchmarks/peers"

    func validate() throws {
        guard sizes.allSatisfy({ $0 >= 4 }) else { throw ValidationError("--n values must be at least 4") }
        guard alpha > 0, (0...1).contains(corruption), sendThresholds.allSatisfy({ $0 > 0 }), (learnStep ?? 1) > 0 else {
            throw ValidationError("--alpha, --send-thresholds and --learn-step must be positive, --corruption in 0...1")
        }
        guard peers.allSatisfy({ $0 == "numba" }) else { throw ValidationError("--peers takes numba") }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark with `swift run -c release reverie-bench pc`")
        #endif
        print("    N   P  integrator     θ      dt ms   epoch s  recall ms  messages/recall  events/s (recall)  receptions/s  hamming")
        let clock = ContinuousClock()
        for n in sizes {
            var rng = RandomStream(seed: seed, stream: 1)
            let patterns = PatternSet.random(count: max(1, Int((alpha * Double(n)).rounded())), size: n, rng: &rng)
            let runs = sendThresholds.map { (PCIntegrator.eventDriven, $0) } + [(PCIntegrator.euler, Double.nan)]
            for (integrator, theta) in runs {
                var o = PCOptions()
                o.integrator = integrator
                o.epochs = 1
                if theta.isFinite { o.sendThreshold = theta }
                if integrator == .euler && o.dt >= o.maximumStableEulerStep(size: n) { o.dt = 0.5 * o.maximumStableEulerStep(size: n) }
                o.learnStep = learnStep
                let net = PCNetwork(size: n, options: o)
                let epoch = clock.measure { net.train(patterns, recordWeights: false) }.seconds
                var rng = RandomStream(seed: seed, stream: 2)
                let flips = 1 - 2 * (Double(Int(corruption * Double(n))) / Double(n))
                let starts = (0..<patterns.count).map { patterns.corrupted($0, initialOverlap: flips, rng: &rng) }
                let (e0, m0, r0) = (net.events, net.messages, net.receptions)
                var hamming = 0
                var finals: [Double] = []
                let cpu = CPUTimer()
                let recall = clock.measure {
                    for mu in 0..<patterns.count {
                        net.recall(from: starts[mu])
                        hamming += net.hammingDistance(to: patterns[mu])
                        finals += net.value
                    }
                }.seconds
                let recallCPU = cpu.cpuSeconds
                let count = Double(patterns.count)
                print(String(format: "%5ld  %2ld  ", n, patterns.count) + integrator.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                      + String(format: "  %5.3f  %6.3f  %9.3f  %9.2f  %15.0f  %17.3g  %12.3g  %7.2f", theta, o.dt * 1000,
                             epoch, recall * 1000 / count, Double(net.messages - m0) / count,
                             Double(net.events - e0) / recall, Double(net.receptions - r0) / recall, Double(hamming) / count))
                if integrator == .euler && !peers.isEmpty {
                    try compareWithNumba(net, starts: starts, finals: finals, cpuPerRecall: recallCPU / count)
                }
            }
        }
    }

    /// The numba peer's Euler recall of `net` (trained) from `starts`, against Reverie's
    /// (`finals`: the final values, `cpuPerRecall`: CPU seconds per recall).
    func compareWithNumba(_ net: PCNetwork, starts: [[Double]], finals: [Double], cpuPerRecall ours: Double) throws {
        let n = net.size, o = net.options
        let steps = Int((o.recallTime / o.dt).rounded())
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-pc-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("input.f64"), output = dir.appendingPathComponent("output.f64")
        let values = net.weights.weights + net.bias + starts.flatMap { $0 }
        try values.withUnsafeBytes { Data($0) }.write(to: input)
        let python = try PeerProcess.python(forPeer: "numba", in: peerDirectory)
        let result = try PeerProcess.runJSON([python, "\(peerDirectory)/numba/pc.py", "--input", input.path, "--output", output.path,
                                              "--n", "\(n)", "--count", "\(starts.count)", "--steps", "\(steps)",
                                              "--dt", "\(o.dt)", "--tau", "\(o.tau)", "--tau-e", "\(o.effectiveErrorTau)",
                                              "--scale", "\(o.patternScale)"])
        let theirs = ((result["cpu_seconds"] as? Double) ?? .nan) / Double(starts.count)
        let peerFinals = try Data(contentsOf: output).withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        guard peerFinals.count == finals.count else { throw BenchError("numba pc.py wrote \(peerFinals.count) values, expected \(finals.count)") }
        let difference = zip(finals, peerFinals).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
        // An Euler step does two multiply-adds per synapse; Reverie reads M once a step (the fused
        // pass), the peer twice (Mᵀσ(v), then M e).
        let size = Double(n), roof = Roofline(workingSet: n * n * 8)
        func floor(reads: Double) -> Double { Double(steps) * roof.floor(read: reads * 8 * size * size, updated: 0, flop: 4 * size * size) }
        let (ourFloor, theirFloor) = (floor(reads: 1), floor(reads: 2))
        print(String(format: "              numba euler: %.3f ms per recall (CPU), reverie euler %.3f ms: %.2fx; largest |Δv| %.2g; "
                     + "floors %.3f ms (reverie, M read once a step: %.0f%% of the limit) and %.3f ms (numba, twice: %.0f%%)",
                     theirs * 1000, ours * 1000, theirs / ours, difference, ourFloor * 1000, 100 * ourFloor / ours,
                     theirFloor * 1000, 100 * theirFloor / theirs))
    }
}
