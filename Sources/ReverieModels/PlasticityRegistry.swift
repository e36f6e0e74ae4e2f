import ReverieKernel

/// Parameters of a rule as given in a model file, with the context a rule may
/// need to normalise itself.
public struct RuleParameters: Sendable {
    public var values: [String: Double]
    /// Size of the presynaptic population (the N of η/N).
    public var presynapticCount: Int
    public init(values: [String: Double], presynapticCount: Int) {
        self.values = values; self.presynapticCount = presynapticCount
    }
}

/// One entry per rule type: its name in model files, the parameters it takes
/// (with defaults) and how to build it.
public struct RuleEntry: Sendable {
    public let type: String
    public let summary: String
    public let parameters: [String: Double]
    public let make: @Sendable (RuleParameters) -> AnyPlasticityRule
}

/// The plasticity rules model files can name. To add a rule, add its type and
/// one line here.
public enum PlasticityRegistry {
    public static let entries: [RuleEntry] = [
        RuleEntry(type: "hebbian", summary: "ΔJ_ij = (η/N) s_i s_j while a pattern is clamped",
                  parameters: ["eta": 1]) { p in
            AnyPlasticityRule("hebbian", HebbianRule(scale: p.values["eta"]! / Double(p.presynapticCount)))
        },
        RuleEntry(type: "anti-hebbian", summary: "ΔJ_ij = −(ε/N) s*_i s*_j at a fixed point (unlearning)",
                  parameters: ["epsilon": 0.01]) { p in
            AnyPlasticityRule("anti-hebbian", HebbianRule(scale: -p.values["epsilon"]! / Double(p.presynapticCount)))
        },
        RuleEntry(type: "sleep", summary: "ΔJ_ij = dτ [(h_i s_j + h_j s_i)/2 − h_i h_j] under random probes s (dreaming kernel)",
                  parameters: ["rate": 0.001]) { p in AnyPlasticityRule("sleep", SleepRule(rate: p.values["rate"]!)) },
    ]

    public static func entry(_ type: String) -> RuleEntry? { entries.first { $0.type == type } }
}
