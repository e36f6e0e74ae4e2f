import Foundation
import ReverieKernel

/// Pair-based spike-timing-dependent plasticity with all-to-all trace
/// interactions (Song, Miller & Abbott 2000; van Rossum, Bi & Turrigiano 2000;
/// review: Morrison, Diesmann & Gerstner 2008). Each synapse sees two traces:
/// the presynaptic trace x (+1 per presynaptic spike reaching the synapse,
/// decaying with τ₊) and the postsynaptic trace y (+1 per postsynaptic spike,
/// decaying with τ₋). On a postsynaptic spike w is potentiated with x, on a
/// presynaptic arrival it is depressed with y:
///
///     additive:        w ← w + A₊ x,               w ← w − A₋ y
///     multiplicative:  w ← w + A₊ (1 − w/w_max) x,  w ← w − A₋ (w/w_max) y
///
/// and kept in [0, w_max] (weights are excitatory jumps, mV).
public struct PairSTDP: PlasticityRule, Equatable {
    public enum WeightDependence: String, Sendable, CaseIterable {
        case additive, multiplicative
    }

    public var aPlus: Double
    public var aMinus: Double
    public var tauPlus: Double
    public var tauMinus: Double
    public var wMax: Double
    public var dependence: WeightDependence

    public init(aPlus: Double, aMinus: Double, tauPlus: Double, tauMinus: Double, wMax: Double,
                dependence: WeightDependence = .additive) {
        self.aPlus = aPlus; self.aMinus = aMinus; self.tauPlus = tauPlus; self.tauMinus = tauMinus
        self.wMax = wMax; self.dependence = dependence
    }

    init(_ p: [String: Double], _ d: WeightDependence) {
        self.init(aPlus: p["a_plus"]!, aMinus: p["a_minus"]!, tauPlus: p["tau_plus"]!, tauMinus: p["tau_minus"]!, wMax: p["w_max"]!, dependence: d)
    }

    /// The rule of a `.pairSTDP` fast kernel.
    public init?(kernel: FastKernel) {
        guard case let .pairSTDP(aPlus, aMinus, tauPlus, tauMinus, wMax, multiplicative) = kernel else { return nil }
        self.init(aPlus: aPlus, aMinus: aMinus, tauPlus: tauPlus, tauMinus: tauMinus, wMax: wMax,
                  dependence: multiplicative ? .multiplicative : .additive)
    }

    public var trigger: PlasticityTrigger { .spikes }
    public var traceTimeConstants: (pre: Double, post: Double)? { (tauPlus, tauMinus) }
    public var fastKernel: FastKernel? {
        .pairSTDP(aPlus: aPlus, aMinus: aMinus, tauPlus: tauPlus, tauMinus: tauMinus, wMax: wMax, multiplicative: dependence == .multiplicative)
    }

    /// On a presynaptic arrival: depression with the postsynaptic trace `post.aux`.
    public func onPresynapticSpike(weight: Double, pre: LocalSignal, post: LocalSignal) -> Double {
        depressed(weight, postTrace: post.aux)
    }

    /// On a postsynaptic spike: potentiation with the presynaptic trace `pre.aux`.
    public func onPostsynapticSpike(weight: Double, pre: LocalSignal, post: LocalSignal) -> Double {
        potentiated(weight, preTrace: pre.aux)
    }

    /// The weight after a postsynaptic spike that finds the presynaptic trace at `x`.
    @inlinable
    public func potentiated(_ w: Double, preTrace x: Double) -> Double {
        let dw = dependence == .additive ? aPlus * x : aPlus * (1 - w / wMax) * x
        return Swift.min(Swift.max(w + dw, 0), wMax)
    }

    /// The weight after a presynaptic arrival that finds the postsynaptic trace at `y`.
    @inlinable
    public func depressed(_ w: Double, postTrace y: Double) -> Double {
        let dw = dependence == .additive ? aMinus * y : aMinus * (w / wMax) * y
        return Swift.min(Swift.max(w - dw, 0), wMax)
    }
}
