import ArgumentParser
import Foundation
import ReverieKernel
import ReverieModels

/// Cost of predictive-coding training and recall (docs/science.md §5) with the
/// event-driven integrator against the synchronous Euler reference, run in the
/// same invocation on the same patterns. Euler runs at the prototype's dt, or at
/// half its stability limit γ/(N + 1) when the prototype's dt is beyond it.
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

    func validate() throws {
        guard sizes.allSatisfy({ $0 >= 4 }) else { throw ValidationError("--n values must be at least 4") }
        guard alpha > 0, (0...1).contains(corruption), sendThresholds.allSatisfy({ $0 > 0 }), (learnStep ?? 1) > 0 else {
            throw ValidationError("--alpha, --send-thresholds and --learn-step must be positive, --corruption in 0...1")
        }
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
                var starts = RandomStream(seed: seed, stream: 2)
                let flips = 1 - 2 * (Double(Int(corruption * Double(n))) / Double(n))
                let (e0, m0, r0) = (net.events, net.messages, net.receptions)
                var hamming = 0
                let recall = clock.measure {
                    for mu in 0..<patterns.count {
                        net.recall(from: patterns.corrupted(mu, initialOverlap: flips, rng: &starts))
                        hamming += net.hammingDistance(to: patterns[mu])
                    }
                }.seconds
                let count = Double(patterns.count)
                print(String(format: "%5ld  %2ld  ", n, patterns.count) + integrator.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                      + String(format: "  %5.3f  %6.3f  %9.3f  %9.2f  %15.0f  %17.3g  %12.3g  %7.2f", theta, o.dt * 1000,
                             epoch, recall * 1000 / count, Double(net.messages - m0) / count,
                             Double(net.events - e0) / recall, Double(net.receptions - r0) / recall, Double(hamming) / count))
            }
        }
    }
}
