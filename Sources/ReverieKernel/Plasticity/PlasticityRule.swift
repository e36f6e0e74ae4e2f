/// What a unit sends to its synapses for learning: its activity (state ±1,
/// rate, σ(v), spike) and one auxiliary quantity it chooses to share (its local
/// field, its prediction error, its spike trace). A synapse sees the signal of
/// its presynaptic and of its postsynaptic unit and nothing else.
public struct LocalSignal: Sendable, Equatable {
    public var activity: Double
    public var aux: Double
    @inlinable public init(activity: Double, aux: Double = 0) {
        self.activity = activity; self.aux = aux
    }
}

/// The events at which a rule changes weights, as a synapse of NEST
/// (`stdp_synapse`: on pre- and postsynaptic spikes) or an Auryn connection sees them.
public enum PlasticityTrigger: String, Sendable, CaseIterable {
    /// While the protocol clamps a pattern on the units (Hebbian storage).
    case clamped = "while a pattern is clamped"
    /// When the free dynamics reach a fixed point (unlearning in a dream).
    case fixedPoint = "at a fixed point of the dynamics"
    /// For each random probe driving the units (sleep).
    case probe = "for each random probe"
    /// Continuously while the dynamics run (predictive coding).
    case online = "while the dynamics run"
    /// On presynaptic spike arrivals and postsynaptic spikes (spike-timing rules).
    case spikes = "on pre- and postsynaptic spikes"
}

/// A whole-projection form of a rule that a family runs without calling the
/// rule per synapse. A rule declares it; tests show each equal, bit for bit, to
/// the rule's hooks applied synapse by synapse.
public enum FastKernel: Sendable, Equatable {
    /// Δw_{j→i} = scale · a_i · a_j on every synapse of a dense projection, a the
    /// units' activities: one rank-1 pass (`DenseKernels.rank1`).
    case rank1(scale: Double)
    /// Pair-based STDP with exponential traces (pre trace τ₊, post trace τ₋),
    /// weights in [0, w_max]: delivery and depression in one C loop.
    case pairSTDP(aPlus: Double, aMinus: Double, tauPlus: Double, tauMinus: Double, wMax: Double, multiplicative: Bool)
}

/// A local plasticity rule: how one synaptic weight changes at the rule's
/// events, computed from the weight and the two signals its synapse received.
/// Because this is the whole interface, a rule cannot read any other unit's state.
///
/// Rate rules implement `delta` (applied at `.clamped`, `.fixedPoint`, `.probe`
/// or `.online` events); spike-timing rules implement the two spike hooks, where
/// `LocalSignal.aux` carries the unit's trace. To add a rule: one type conforming
/// to this protocol and one `RuleEntry` in its family's registry.
public protocol PlasticityRule: Sendable {
    /// When the rule acts.
    var trigger: PlasticityTrigger { get }
    /// Δw for the synapse pre → post at a rate-rule event.
    func delta(weight: Double, pre: LocalSignal, post: LocalSignal) -> Double
    /// The weight after a presynaptic spike reaches the synapse (`post.aux`: the postsynaptic trace).
    func onPresynapticSpike(weight: Double, pre: LocalSignal, post: LocalSignal) -> Double
    /// The weight after a postsynaptic spike (`pre.aux`: the presynaptic trace).
    func onPostsynapticSpike(weight: Double, pre: LocalSignal, post: LocalSignal) -> Double
    /// Time constants (ms) of the presynaptic and postsynaptic traces a spike-timing rule reads.
    var traceTimeConstants: (pre: Double, post: Double)? { get }
    /// The rule's whole-projection form, if it has one.
    var fastKernel: FastKernel? { get }
}

extension PlasticityRule {
    public func delta(weight: Double, pre: LocalSignal, post: LocalSignal) -> Double { 0 }
    public func onPresynapticSpike(weight: Double, pre: LocalSignal, post: LocalSignal) -> Double { weight }
    public func onPostsynapticSpike(weight: Double, pre: LocalSignal, post: LocalSignal) -> Double { weight }
    public var traceTimeConstants: (pre: Double, post: Double)? { nil }
    public var fastKernel: FastKernel? { nil }
}
