import Foundation
import ReverieKernel

/// A Hopfield network trained by predictive coding (docs/science.md §5; Ganjidoost,
/// Snow & Orchard 2024, "Online Training of Hopfield Networks using Predictive
/// Coding"). Each neuron i is a pair of actors: a value unit `v_i` and an error
/// unit `e_i`, with σ = tanh, recurrent weights M and bias b:
///
///     error:  τ de/dt = Mᵀσ(v) − v − b − e      (at rest e = prediction − value;
///                                               `errorTau` may give errors their own τ_e)
///     value:  τ dv/dt = e − σ'(v) ⊙ (M e)       (gradient descent on F = ½‖e‖²)
///     learning, online while a pattern is clamped on v:
///             γ dM/dt = −σ(v) eᵀ,   γ db/dt = e
///
/// `M` is stored by presynaptic value unit: `weights[pre: k, post: j]` = M_kj, so
/// the prediction reaching error unit j is Σ_k M_kj σ(v_k) and the error fed back
/// to value unit i is Σ_j M_ij e_j along the same synapses.
///
/// State is kept as structure of arrays. Two integrators advance it:
/// `PCEventRelaxation` (event-driven, send-on-delta) and `PCEulerIntegrator`
/// (synchronous Euler, the reference). Value unit i reports as NeuronID
/// `firstID + i`, error unit i as `firstID + size + i`.
public final class PCNetwork {
    public let size: Int
    public var options: PCOptions
    public let sinks: SinkHub
    public let firstID: UInt32

    /// v, the value units.
    @exclusivity(unchecked) public internal(set) var value: [Double]
    /// e, the error units.
    @exclusivity(unchecked) public internal(set) var error: [Double]
    /// b.
    @exclusivity(unchecked) public internal(set) var bias: [Double]
    /// M (row = presynaptic value unit, column = postsynaptic error unit).
    @exclusivity(unchecked) public internal(set) var weights: DenseWeights
    /// Clamped value units do not move.
    @exclusivity(unchecked) public internal(set) var clamped: [Bool]
    /// The network's clock: relaxations continue from here.
    public var time = SimTime.zero

    /// Counters since construction: scheduler events (threshold crossings and
    /// message deliveries), messages sent, synaptic receptions, Euler steps.
    @exclusivity(unchecked) public internal(set) var events = 0
    @exclusivity(unchecked) public internal(set) var messages = 0
    @exclusivity(unchecked) public internal(set) var receptions = 0
    @exclusivity(unchecked) public internal(set) var eulerSteps = 0

    public init(size: Int, options: PCOptions = PCOptions(), sinks: SinkHub = SinkHub(), firstID: UInt32 = 0) {
        precondition(size > 0, "a network needs units")
        self.size = size
        self.options = options
        self.sinks = sinks
        self.firstID = firstID
        value = Array(repeating: 0, count: size)
        error = Array(repeating: 0, count: size)
        bias = Array(repeating: 0, count: size)
        weights = DenseWeights(preCount: size, postCount: size)
        clamped = Array(repeating: false, count: size)
    }

    @inlinable public func valueID(_ i: Int) -> NeuronID { NeuronID(Int(firstID) + i) }
    @inlinable public func errorID(_ i: Int) -> NeuronID { NeuronID(Int(firstID) + size + i) }

    // MARK: State

    /// Clamps `patternScale · ξ` on the value units (training). Errors keep their state.
    public func clamp(_ pattern: [Double]) {
        precondition(pattern.count == size, "pattern size mismatch")
        value = pattern.map { options.patternScale * $0 }
        clamped = Array(repeating: true, count: size)
    }

    /// Frees the value units at `patternScale · x` with the errors at rest (recall).
    public func release(at x: [Double]) {
        precondition(x.count == size, "state size mismatch")
        value = x.map { options.patternScale * $0 }
        clamped = Array(repeating: false, count: size)
        error = restErrors()
    }

    /// Sets v, e, b and M directly (tests, restoring a trained network).
    public func setState(value v: [Double]? = nil, error e: [Double]? = nil, bias b: [Double]? = nil,
                         weights m: DenseWeights? = nil, clamped c: [Bool]? = nil) {
        if let v { precondition(v.count == size); value = v }
        if let e { precondition(e.count == size); error = e }
        if let b { precondition(b.count == size); bias = b }
        if let m { precondition(m.preCount == size && m.postCount == size); weights = m }
        if let c { precondition(c.count == size); clamped = c }
    }

    /// The errors at rest for the current values: Mᵀσ(v) − v − b.
    public func restErrors() -> [Double] {
        var out = [Double](repeating: 0, count: size)
        DenseKernels.project(weights, value.map(tanh)[...], into: &out)
        for j in 0..<size { out[j] -= value[j] + bias[j] }
        return out
    }

    /// F = ½‖e‖², the energy the value units descend.
    public var freeEnergy: Double { 0.5 * error.reduce(0) { $0 + $1 * $1 } }

    /// The binary state read out from the values: +1 where v > 0, −1 elsewhere.
    public var readout: [Double] { value.map { $0 > 0 ? 1 : -1 } }

    /// Units whose readout differs from `pattern`.
    public func hammingDistance(to pattern: [Double]) -> Int {
        zip(readout, pattern).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) }
    }

    /// m = (1/N) Σ_i ξ_i sign(v_i).
    public func overlap(with pattern: [Double]) -> Double {
        zip(readout, pattern).reduce(0) { $0 + $1.0 * $1.1 } / Double(size)
    }

    // MARK: Learning

    /// Applies one learning step of length `step` from the signals the synapses
    /// received: ΔM_kj = −(step/γ) a_k ε_j through `PCLearningRule` (the diagonal
    /// only if `learnDiagonal`), and Δb_j = (step/γ) e_j from each error unit's own state.
    func learn(activity a: [Double], error eps: [Double], step: Double, signals: inout [LocalSignal]) {
        let rate = step / options.gamma
        for i in 0..<size { signals[i] = LocalSignal(activity: a[i], aux: eps[i]) }
        weights.apply(PCLearningRule(rate: rate), pre: signals, post: signals, skipSelf: !options.learnDiagonal)
        for j in 0..<size { bias[j] += rate * error[j] }
    }

    /// Reports every weight M_kj to the sinks as value unit k → error unit j.
    public func emitWeights() {
        guard sinks.isActive else { return }
        for k in 0..<size {
            for j in 0..<size {
                sinks.emit(.weight(pre: valueID(k), post: errorID(j), weights[pre: k, post: j], at: time))
            }
        }
    }
}
