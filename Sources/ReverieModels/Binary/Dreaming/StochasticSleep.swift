import Foundation
import ReverieKernel

/// Sleep as a local, probe-driven rule (docs/science.md §4): integrates
/// `dJ/dτ = J − J²`, τ = ln(1 + t), from the current couplings up to sleep time t,
/// whose exact solution from Hebbian couplings is `SleepKernel`.
///
/// K probes in equal steps dτ = ln(1 + t)/K: for each, the population is clamped
/// to a uniformly random ±1 state s, every unit receives h = J s (self-synapse
/// included: J_ii belongs to the ODE's state) and sends (s_i, h_i), and every
/// synapse applies `SleepRule` with rate dτ (the "sleep" rule of model files).
/// The noise of the estimate shrinks as K grows, so the result approaches the
/// closed form; `relativeDistance` measures how close it gets.
public struct StochasticSleep: Sendable {
    public var sleepTime: Double
    public var probes: Int

    public init(sleepTime: Double, probes: Int) {
        precondition(sleepTime >= 0 && sleepTime.isFinite && probes > 0, "need a finite t ≥ 0 and at least one probe")
        self.sleepTime = sleepTime; self.probes = probes
    }

    /// dτ per probe.
    public var step: Double { log1p(sleepTime) / Double(probes) }

    /// Sleeps on recurrent projection `k`, which must keep its self-synapses.
    /// The population is left free, in the last probe's state.
    public func run(network: BinaryNetwork, projection k: Int, rng: inout RandomStream) {
        let proj = network.projections[k]
        precondition(proj.pre == proj.post && !proj.skipSelf, "sleep needs a recurrent projection with self-synapses")
        let n = network.populations[proj.post].size
        let rule = AnyPlasticityRule("sleep", SleepRule(rate: step))
        var probe = [Double](repeating: 0, count: n)
        for _ in 0..<probes {
            for i in 0..<n { probe[i] = rng.nextSpin() }
            network.setState(probe, population: proj.post, clamped: true)
            network.learn(projection: k, rule: rule)
        }
        network.setState(probe, population: proj.post, clamped: false)
    }

    /// ‖A − B‖_F / ‖B‖_F over dense couplings of the same shape.
    public static func relativeDistance(_ a: DenseWeights, to b: DenseWeights) -> Double {
        precondition(a.weights.count == b.weights.count, "shape mismatch")
        var d = 0.0, r = 0.0
        for k in a.weights.indices {
            let x = a.weights[k] - b.weights[k]
            d += x * x; r += b.weights[k] * b.weights[k]
        }
        return r > 0 ? (d / r).squareRoot() : d.squareRoot()
    }
}
