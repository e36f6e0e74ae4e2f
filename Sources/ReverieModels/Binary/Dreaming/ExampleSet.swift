import ReverieKernel

/// Noisy examples of archetypes (docs/science.md §4; Aquaro, Alemanno, Kanter, Durante,
/// Agliari & Barra 2022): `η_i^{μ,a} = ξ_i^μ χ_i^{μ,a}`, a = 1..M, with independent
/// `P(χ = +1) = (1 + r)/2` (quality r). The network is shown only the examples;
/// retrieval is measured against the archetypes ξ.
///
/// Each unit keeps, per archetype, only the running sum of the states it was
/// shown, `S_i^μ = Σ_a η_i^{μ,a}`: storage uses nothing else, so the P·M·N
/// example bits are streamed, never held (P·N numbers are).
public struct ExampleSet: Sendable, Equatable {
    /// How the examples are drawn. Both give S_i^μ = ξ_i^μ (2K − M) with
    /// K ~ Binomial(M, (1 + r)/2) independently per unit and archetype.
    public enum Sampling: String, Sendable, CaseIterable {
        /// Every example bit in turn (archetype, example, unit): O(P·M·N) draws.
        case each
        /// K directly (`BinomialSampler`): O(P·N·log M), for large M; another
        /// stream of numbers than `each`, the same distribution.
        case binomial
    }

    /// What the units divide their averages by before storage.
    public enum Averaging: String, Sendable, CaseIterable {
        /// `r·sqrt(1 + ρ)`, so the mean square is 1 like that of ±1 patterns.
        case scaled
        /// Nothing: the plain averages, mean square r²(1 + ρ).
        case plain
    }

    public let archetypes: PatternSet
    /// M, examples per archetype.
    public let perArchetype: Int
    /// r, the quality: E[η_i^{μ,a} ξ_i^μ] = r.
    public let quality: Double
    /// S_i^μ = Σ_a η_i^{μ,a}, row μ (P × N, row-major); integers in −M … M.
    public let sums: [Double]

    public init(archetypes: PatternSet, perArchetype m: Int, quality r: Double, sampling: Sampling = .each,
                rng: inout RandomStream) {
        precondition(m > 0 && r > 0 && r <= 1, "need M ≥ 1 and 0 < r ≤ 1")
        let n = archetypes.size, plus = (1 + r) / 2
        var s = [Double](repeating: 0, count: archetypes.count * n)
        switch sampling {
        case .each:
            for mu in 0..<archetypes.count {
                for _ in 0..<m {
                    for i in 0..<n { s[mu * n + i] += archetypes.values[mu * n + i] * rng.nextSpin(probabilityOfPlus: plus) }
                }
            }
        case .binomial:
            let k = BinomialSampler(trials: m, probability: plus)
            for j in s.indices { s[j] = archetypes.values[j] * Double(2 * k.draw(&rng) - m) }
        }
        self.archetypes = archetypes; perArchetype = m; quality = r; sums = s
    }

    /// The dataset entropy ρ = (1 − r²)/(M r²).
    public var entropy: Double { (1 - quality * quality) / (Double(perArchetype) * quality * quality) }

    /// What each unit holds after seeing the M examples of each archetype: the
    /// average `η̄_i^μ = S_i^μ / M` (a running mean of its own states), `scaled`
    /// by 1/(r·sqrt(1 + ρ)) (E[(η̄_i^μ)²] = r² + (1 − r²)/M = r²(1 + ρ)) or `plain`.
    /// Row μ is archetype μ.
    public func averages(_ averaging: Averaging) -> PatternSet {
        let m = Double(perArchetype)
        let scale = averaging == .scaled ? 1 / (m * quality * (1 + entropy).squareRoot()) : 1 / m
        return PatternSet(count: archetypes.count, size: archetypes.size, values: sums.map { $0 * scale })
    }

    /// Hebbian storage from the examples through a local rule: for each archetype
    /// the units send their example average as activity and every synapse
    /// applies `rule` (with "hebbian", η = 1: `J = (1/N) Σ_μ η̄^μ η̄^μᵀ`).
    public func storeHebbian(_ rule: AnyPlasticityRule, averaging: Averaging, into synapses: inout Connectivity, skipSelf: Bool) {
        let avg = averages(averaging), n = avg.size
        for mu in 0..<avg.count {
            let signals = (0..<n).map { LocalSignal(activity: avg.values[mu * n + $0]) }
            rule.apply(to: &synapses, pre: signals, post: signals, skipSelf: skipSelf)
        }
    }
}
