import ArgumentParser
import Foundation
import ReverieKernel
import ReverieModels

/// Zero-temperature random-sequential relaxation from random states on dense
/// Hebbian couplings (P = αN patterns) on the engine (scheduler events), against
/// peers of the same dynamics with incremental fields (O(N) per flip): a
/// straightforward numpy loop and a numba `@njit` one (Benchmarks/peers/numba, its
/// own venv). The last column is the fraction of this machine's ceiling the
/// relaxation reaches (`reverie-bench roofline`: the flipped rows read, N multiply-adds each).
struct RelaxBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relax",
        abstract: "Events/s of asynchronous relaxation at N = 1000 and 4000, and the ratio against numpy.")

    @Option(name: .customLong("n"), parsing: .upToNextOption, help: "Network sizes.")
    var sizes: [Int] = [1000, 4000]

    @Option(help: "Load α of the Hebbian couplings.")
    var alpha = 0.1

    @Option(help: "Relaxations from random states per size.")
    var relaxations = 50

    @Option(help: "Relaxations for the numpy peer per size (it is slower).")
    var peerRelaxations = 10

    @Option(parsing: .upToNextOption, help: "Peers to run: numpy, numba.")
    var peers = ["numpy", "numba"]

    @Option(help: "Directory of the peer scripts (numpy/, numba/).")
    var peerDirectory = "Benchmarks/peers"

    @Option(help: "Repeats, alternating reverie and the peer; the best of each is reported.")
    var repeats = 3

    @Flag(help: "Run the peer with numpy's default BLAS threads (as a user would) and compare wall times.")
    var peerDefaultThreads = false

    @Flag(help: "Skip the peers.")
    var noPeer = false

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    func validate() throws {
        guard sizes.allSatisfy({ $0 >= 10 }) else { throw ValidationError("--n values must be at least 10") }
        guard relaxations >= 1, peerRelaxations >= 1, repeats >= 1 else { throw ValidationError("counts must be positive") }
        guard peers.allSatisfy({ ["numba", "numpy"].contains($0) }) else { throw ValidationError("--peers takes numpy and numba") }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark with `swift run -c release reverie-bench relax`")
        #endif
        print("Best of \(repeats) alternating repeats. Times are CPU ms per relaxation on one thread (wall ms in parentheses);")
        print(peerDefaultThreads ? "the peers run with their default BLAS threads. Ratio = peer wall time / reverie wall time."
                                 : "the peers run with one BLAS thread. Ratio = peer CPU time / reverie CPU time.")
        let peerNames = noPeer ? [] : peers
        let peerPython = try peerNames.map { try PeerProcess.python(forPeer: $0, in: peerDirectory) }
        print("    N  relax  flips/relax  reverie ms (wall)    updates/s  synaptic ev/s  of limit"
              + peerNames.map { "  \($0.padding(toLength: 5, withPad: " ", startingAt: 0)) ms (wall)      ratio" }.joined())
        for n in sizes {
            var rng = RandomStream(seed: seed, stream: 1)
            let patterns = PatternSet.random(count: max(1, Int(alpha * Double(n))), size: n, rng: &rng)
            let net = BinaryNetwork(populations: [("memory", n)], dynamics: BinaryDynamics(order: .randomSequential),
                                    rng: RandomStream(seed: seed, stream: 2))
            net.connect("recurrent", from: 0, to: 0, synapses: .dense(patterns.hebbianCouplings()), skipSelf: true)
            var starts = RandomStream(seed: seed, stream: 3)
            var best = (cpu: Double.infinity, wall: Double.infinity)
            var bestPeer = Array(repeating: (cpu: Double.infinity, wall: Double.infinity), count: peerNames.count)
            var flips = 0.0, updatesPerRelax = 0.0, eventsPerRelax = 0.0
            for _ in 0..<repeats {
                let (u0, f0, s0) = (net.updates, net.flips, net.synapticEvents)
                let timer = CPUTimer()
                for _ in 0..<relaxations {
                    net.randomize(population: 0, rng: &starts)
                    var scheduler = Scheduler<BinaryNetwork.Message>()
                    net.beginRelaxation(at: .zero)
                    let reason = scheduler.run(net)
                    precondition(reason == .quiescent && net.unstableCount == 0)
                }
                let k = Double(relaxations)
                best = (min(best.cpu, timer.cpuSeconds * 1000 / k), min(best.wall, timer.wallSeconds * 1000 / k))
                let r = Double(repeats)
                flips += Double(net.flips - f0) / k / r
                updatesPerRelax += Double(net.updates - u0) / k / r
                eventsPerRelax += Double(net.synapticEvents - s0) / k / r
                for (k, name) in peerNames.enumerated() {
                    let peer = try PeerProcess.runJSON([peerPython[k], "\(peerDirectory)/\(name)/relax.py", "--n", "\(n)",
                                                        "--alpha", "\(alpha)", "--relaxations", "\(peerRelaxations)",
                                                        "--seed", "\(seed)"], pinThreads: !peerDefaultThreads)
                    bestPeer[k] = (min(bestPeer[k].cpu, (peer["cpu_ms_per_relaxation"] as? Double) ?? .nan),
                                   min(bestPeer[k].wall, (peer["ms_per_relaxation"] as? Double) ?? .nan))
                }
            }
            // Per relaxation: the flipped units' rows read and N multiply-adds each, plus the start's field
            // (`setState` sends the changed units, N/2 rows on average).
            let roof = Roofline(workingSet: n * n * 8)
            let rows = flips + Double(n) / 2
            let floor = roof.floor(read: rows * Double(n) * 8, updated: 0, flop: 2 * rows * Double(n))
            var line = String(format: "%5ld  %5ld  %11.0f  %8.3f (%7.3f)  %9.3g  %13.3g  %7.0f%%", n, relaxations, flips, best.cpu,
                              best.wall, updatesPerRelax / best.cpu * 1000, eventsPerRelax / best.cpu * 1000,
                              100 * floor * 1000 / best.cpu)
            for k in peerNames.indices {
                let ratio = peerDefaultThreads ? bestPeer[k].wall / best.wall : bestPeer[k].cpu / best.cpu
                line += String(format: "  %7.2f (%7.2f)  %6.1fx", bestPeer[k].cpu, bestPeer[k].wall, ratio)
            }
            print(line)
        }
    }
}
