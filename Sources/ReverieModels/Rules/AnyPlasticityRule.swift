import ReverieKernel

/// A plasticity rule chosen at run time (from a model file), keeping the
/// specialised whole-projection update of its concrete type.
public struct AnyPlasticityRule: Sendable {
    public let name: String
    public let base: any PlasticityRule
    let applyAll: @Sendable (inout Connectivity, [LocalSignal], [LocalSignal], Bool) -> Void

    public init<R: PlasticityRule>(_ name: String, _ rule: R) {
        self.name = name
        base = rule
        applyAll = { c, pre, post, skip in c.apply(rule, pre: pre, post: post, skipSelf: skip) }
    }

    public var trigger: PlasticityTrigger { base.trigger }
    public var fastKernel: FastKernel? { base.fastKernel }

    public func delta(weight: Double, pre: LocalSignal, post: LocalSignal) -> Double {
        base.delta(weight: weight, pre: pre, post: post)
    }

    /// `delta` on every synapse of `synapses`, synapse by synapse (the local definition).
    public func apply(to synapses: inout Connectivity, pre: [LocalSignal], post: [LocalSignal], skipSelf: Bool) {
        applyAll(&synapses, pre, post, skipSelf)
    }
}
