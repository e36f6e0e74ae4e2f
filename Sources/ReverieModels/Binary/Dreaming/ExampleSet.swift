import ReverieKernel

/// Noisy examples of archetypes (docs/science.md §4; Aquaro, Alemanno, Kanter, Durante,
/// Agliari & Barra 2022): `η_i^{μ,a} = ξ_i^μ χ_i^{μ,a}`, a = 1..M, with independent
/// `P(χ = +1) = (1 + r)/2` (quality r). The network is shown only the examples;
/// retrieval is measured against the archetypes ξ.
public struct ExampleSet: Sendable, Equatable {
    public let archetypes: PatternSet
    /// M, examples per archetype.
    public let perArchetype: Int
    /// r, the quality: E[η_i^{μ,a} ξ_i^μ] = r.
    public let quality: Double
    /// The P·M examples, archetype-major: row μ·M + a.
    public let examples: PatternSet

    public init(archetypes: PatternSet, perArchetype m: Int, quality r: Double, rng: inout RandomStream) {
        precondition(m > 0 && r > 0 && r <= 1, "need M ≥ 1 and 0 < r ≤ 1")
        let n = archetypes.size
        var v = [Double]()
        v.reserveCapacity(archetypes.count * m * n)
        for mu in 0..<archetypes.count {
            for _ in 0..<m {
                for i in 0..<n { v.append(archetypes.values[mu * n + i] * rng.nextSpin(probabilityOfPlus: (1 + r) / 2)) }
            }
        }
        self.archetypes = archetypes; perArchetype = m; quality = r
        examples = PatternSet(count: archetypes.count * m, size: n, values: v)
    }

    /// The dataset entropy ρ = (1 − r²)/(M r²).
    public var entropy: Double { (1 - quality * quality) / (Double(perArchetype) * quality * quality) }

    /// What each unit holds after seeing the M examples of each archetype: the
    /// average `η̄_i^μ = (1/M) Σ_a η_i^{μ,a}` (a running mean of its own states),
    /// divided by `r·sqrt(1 + ρ)` so that its mean square is 1, like ±1 patterns
    /// (E[(η̄_i^μ)²] = r² + (1 − r²)/M = r²(1 + ρ)). Row μ is archetype μ.
    public var normalizedAverages: PatternSet {
        let n = archetypes.size, m = perArchetype
        let scale = 1 / (Double(m) * quality * (1 + entropy).squareRoot())
        var v = [Double](repeating: 0, count: archetypes.count * n)
        for mu in 0..<archetypes.count {
            for a in 0..<m {
                let row = (mu * m + a) * n
                for i in 0..<n { v[mu * n + i] += examples.values[row + i] }
            }
            for i in 0..<n { v[mu * n + i] *= scale }
        }
        return PatternSet(count: archetypes.count, size: n, values: v)
    }

    /// Hebbian storage from the examples through a local rule: for each archetype
    /// the units send their normalised example average as activity and every
    /// synapse applies `rule` (with "hebbian", η = 1: `J = (1/N) Σ_μ η̂^μ η̂^μᵀ`).
    public func storeHebbian(_ rule: AnyPlasticityRule, into synapses: inout Connectivity, skipSelf: Bool) {
        let avg = normalizedAverages, n = avg.size
        for mu in 0..<avg.count {
            let signals = (0..<n).map { LocalSignal(activity: avg.values[mu * n + $0]) }
            rule.apply(to: &synapses, pre: signals, post: signals, skipSelf: skipSelf)
        }
    }
}
