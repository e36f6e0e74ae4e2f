import ReverieKernel

/// Hebbian storage from examples followed by sleep (docs/science.md §4; Fachechi,
/// Agliari & Barra 2019; Aquaro et al. 2022). The network is built from the
/// examples only; the archetypes serve to measure generalisation.
///
/// Diagonal: during sleep J_ii is part of the ODE's state (J(0) includes
/// `(1/N) Σ_μ (η̄_i^μ)²`); whether the dynamics keep it is the caller's choice
/// (`withoutDiagonal`; the sleep phase follows the projection's `self_connections`).
public struct SleepFromExamples: Sendable {
    public let examples: ExampleSet
    /// What the stored averages are divided by.
    public let averaging: ExampleSet.Averaging

    public init(examples: ExampleSet, averaging: ExampleSet.Averaging = .scaled) {
        self.examples = examples; self.averaging = averaging
    }

    var size: Int { examples.archetypes.size }

    /// J(0): the local "hebbian" rule (η = 1) on the units' example averages,
    /// self-synapses included.
    public func hebbianCouplings() -> DenseWeights {
        var synapses = Connectivity.dense(DenseWeights(preCount: size, postCount: size))
        let rule = AnyPlasticityRule("hebbian", HebbianRule(scale: 1 / Double(size)))
        examples.storeHebbian(rule, averaging: averaging, into: &synapses, skipSelf: false)
        guard case .dense(let w) = synapses else { preconditionFailure("dense storage") }
        return w
    }

    /// The closed-form kernel J(t) on the example averages, diagonal kept; nil
    /// only at t = ∞ with linearly dependent averages.
    public func closedForm(sleepTime t: Double) -> DenseWeights? {
        SleepKernel.couplings(patterns: examples.averages(averaging), sleepTime: t, zeroDiagonal: false)
    }

    /// The local stochastic sleep from J(0), on a sleeping copy of the population
    /// whose recurrent projection keeps its self-synapses; diagonal kept. Needs a finite t.
    public func stochastic(sleepTime t: Double, probes: Int, rng: inout RandomStream) -> DenseWeights {
        let net = BinaryNetwork(populations: [("sleeping", size)], dynamics: BinaryDynamics(), rng: rng.derived(1))
        net.connect("recurrent", from: 0, to: 0, synapses: .dense(hebbianCouplings()), skipSelf: false)
        StochasticSleep(sleepTime: t, probes: probes).run(network: net, projection: 0, rng: &rng)
        guard case .dense(let w) = net.projections[0].synapses else { preconditionFailure("dense storage") }
        return w
    }

    /// Couplings for the dynamics: `w` with J_ii = 0.
    public static func withoutDiagonal(_ w: DenseWeights) -> DenseWeights {
        var w = w
        for i in 0..<min(w.preCount, w.postCount) { w[pre: i, post: i] = 0 }
        return w
    }
}
