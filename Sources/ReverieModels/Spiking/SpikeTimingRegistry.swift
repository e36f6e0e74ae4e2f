/// The spike-timing rules model files can name (`rules:` entries used by
/// projections between spiking populations). To add one: a rule type and one line here.
public struct SpikeTimingRuleEntry: Sendable {
    public let type: String
    public let summary: String
    public let parameters: [String: Double]
    public let make: @Sendable ([String: Double]) -> PairSTDP
}

public enum SpikeTimingRegistry {
    /// Song, Miller & Abbott (2000) parameters scaled to mV jumps.
    static let defaults: [String: Double] = ["a_plus": 0.01, "a_minus": 0.0105, "tau_plus": 16.8, "tau_minus": 33.7, "w_max": 1]

    public static let entries: [SpikeTimingRuleEntry] = [
        SpikeTimingRuleEntry(type: "stdp", summary: "pair-based STDP with traces, additive: Δw = A₊x on post, −A₋y on pre, w in [0, w_max]",
                             parameters: defaults) { p in rule(p, .additive) },
        SpikeTimingRuleEntry(type: "stdp-multiplicative", summary: "pair-based STDP, Δw = A₊(1 − w/w_max)x on post, −A₋(w/w_max)y on pre",
                             parameters: defaults) { p in rule(p, .multiplicative) },
    ]

    public static func entry(_ type: String) -> SpikeTimingRuleEntry? { entries.first { $0.type == type } }

    static func rule(_ p: [String: Double], _ d: PairSTDP.WeightDependence) -> PairSTDP {
        PairSTDP(aPlus: p["a_plus"]!, aMinus: p["a_minus"]!, tauPlus: p["tau_plus"]!, tauMinus: p["tau_minus"]!,
                 wMax: p["w_max"]!, dependence: d)
    }
}
