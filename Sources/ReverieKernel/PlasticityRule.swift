/// What a unit sends to its synapses for learning: its activity (state ±1,
/// rate, σ(v), spike) and one auxiliary quantity it chooses to share (its local
/// field, its prediction error). A synapse sees the signal of its presynaptic
/// and of its postsynaptic unit and nothing else.
public struct LocalSignal: Sendable, Equatable {
    public var activity: Double
    public var aux: Double
    @inlinable public init(activity: Double, aux: Double = 0) {
        self.activity = activity; self.aux = aux
    }
}

/// A local plasticity rule: the change of one synaptic weight computed from the
/// weight itself and the two signals its synapse received. Because this is the
/// whole interface, a rule cannot read any other unit's state.
///
/// To add a rule: write one type conforming to this protocol and register it in
/// `PlasticityRegistry` (ReverieModels).
public protocol PlasticityRule: Sendable {
    /// Δw for the synapse pre → post.
    func delta(weight: Double, pre: LocalSignal, post: LocalSignal) -> Double
}
