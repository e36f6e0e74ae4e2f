import ReverieKernel
import ReverieModels
import ReverieSpec

/// A fully connected network of n units with closed-form Hebbian couplings.
func hebbianNetwork(n: Int, patterns: PatternSet, dynamics: BinaryDynamics = BinaryDynamics(),
                    delay: Double = 0, seed: UInt64 = 2) -> BinaryNetwork {
    let net = BinaryNetwork(populations: [("memory", n)], dynamics: dynamics, rng: RandomStream(seed: seed))
    net.connect("recurrent", from: 0, to: 0, synapses: .dense(patterns.hebbianCouplings()), delay: SimTime(delay), skipSelf: true)
    return net
}

@discardableResult
func relax(_ net: BinaryNetwork, until end: SimTime = .infinity) -> StopReason {
    var s = Scheduler<BinaryNetwork.Message>()
    net.beginRelaxation(at: .zero)
    return s.run(net, until: end)
}

/// Fields recomputed from scratch: Σ_j J_ij s_j.
func freshFields(_ net: BinaryNetwork) -> [Double] {
    var h = [Double](repeating: 0, count: net.unitCount)
    let syn = net.projections[0].synapses
    for j in 0..<syn.preCount { syn.forEachSynapse(from: j) { i, w in h[i] += w * net.state[j] } }
    return h
}

/// A rule built through the standard registry, as a model file builds it.
func registryRule(_ type: String, _ values: [String: Double], presynapticCount: Int) -> AnyPlasticityRule {
    let entry = Registry.standard.rule(type)!
    return AnyPlasticityRule(type, entry.make(RuleParameters(values: entry.parameters.merging(values) { $1 }, presynapticCount: presynapticCount)))
}

/// The scale of a rule's rank-1 fast kernel.
func rank1Scale(_ rule: AnyPlasticityRule) -> Double {
    guard case .rank1(let scale)? = rule.fastKernel else { preconditionFailure("\(rule.name) has no rank-1 kernel") }
    return scale
}
