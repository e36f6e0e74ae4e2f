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

/// One rule type of `rules:` entries: its name in model files, when it acts,
/// the parameters it takes (defaults and allowed ranges) and how to build it.
/// Rate and spike-timing rules alike are entries of the one registry.
public struct RuleEntry: Sendable {
    public let type: String
    public let summary: String
    public let trigger: PlasticityTrigger
    public let parameters: [String: Double]
    public let ranges: [String: ClosedRange<Double>]
    public let make: @Sendable (RuleParameters) -> any PlasticityRule

    public init(type: String, summary: String, trigger: PlasticityTrigger, parameters: [String: Double],
                ranges: [String: ClosedRange<Double>] = [:], make: @escaping @Sendable (RuleParameters) -> any PlasticityRule) {
        self.type = type; self.summary = summary; self.trigger = trigger; self.parameters = parameters
        self.ranges = ranges; self.make = make
    }

    /// "eta=1 epsilon=0.01".
    public var parameterList: String {
        parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}
