import ArgumentParser
import Foundation
import ReverieKernel
import ReverieModels

/// Zero-temperature random-sequential relaxation from random states on dense
/// Hebbian couplings (P = αN patterns), against a straightforward numpy
/// implementation of the same dynamics with incremental fields (O(N) per flip).
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

    @Option(help: "The numpy peer script.")
    var peerScript = "peers/numpy/relax.py"

    @Flag(help: "Skip the numpy peer.")
    var noPeer = false

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    func validate() throws {
        guard sizes.allSatisfy({ $0 >= 10 }) else { throw ValidationError("--n values must be at least 10") }
        guard relaxations >= 1, peerRelaxations >= 1 else { throw ValidationError("relaxation counts must be positive") }
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark with `swift run -c release reverie bench relax`")
        #endif
        print("    N  relax  flips/relax  reverie ms/relax  updates/s  synaptic events/s  numpy ms/relax  ratio")
        for n in sizes {
            var rng = RandomStream(seed: seed, stream: 1)
            let patterns = PatternSet.random(count: max(1, Int(alpha * Double(n))), size: n, rng: &rng)
            let net = BinaryNetwork(populations: [("memory", n)], dynamics: BinaryDynamics(order: .randomSequential),
                                    rng: RandomStream(seed: seed, stream: 2))
            net.connect("recurrent", from: 0, to: 0, synapses: .dense(patterns.hebbianCouplings()), skipSelf: true)
            var starts = RandomStream(seed: seed, stream: 3)
            let (u0, f0, s0) = (net.updates, net.flips, net.synapticEvents)
            let clock = ContinuousClock()
            let elapsed = clock.measure {
                for _ in 0..<relaxations {
                    net.randomize(population: 0, rng: &starts)
                    var scheduler = Scheduler<BinaryNetwork.Message>()
                    net.beginRelaxation(at: .zero)
                    let reason = scheduler.run(net)
                    precondition(reason == .quiescent && net.unstableCount == 0)
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let msPer = seconds * 1000 / Double(relaxations)
            let flips = Double(net.flips - f0) / Double(relaxations)
            var line = String(format: "%5d  %5d  %11.0f  %16.3f  %9.3g  %17.3g", n, relaxations, flips, msPer,
                              Double(net.updates - u0) / seconds, Double(net.synapticEvents - s0) / seconds)
            if !noPeer {
                let peer = try PeerProcess.runJSON(["python3", peerScript, "--n", "\(n)", "--alpha", "\(alpha)",
                                                    "--relaxations", "\(peerRelaxations)", "--seed", "\(seed)"])
                let peerMs = (peer["ms_per_relaxation"] as? Double) ?? .nan
                line += String(format: "  %14.3f  %5.1fx", peerMs, peerMs / msPer)
            }
            print(line)
        }
    }
}
