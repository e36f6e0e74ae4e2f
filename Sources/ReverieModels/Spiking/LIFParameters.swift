import Foundation

/// Leaky integrate-and-fire membrane with voltage-jump (delta) synapses, as
/// NEST's `iaf_psc_delta_ps` (Brette et al. 2007, benchmark 4):
///
///     τ_m dV/dt = −(V − E_L) + R I_e,   R = τ_m / C_m,
///
/// a presynaptic spike arriving at t makes V jump by the synaptic weight w (mV).
/// When V reaches V_th the unit spikes, V is reset to V_reset and held there
/// for t_ref; input arriving meanwhile is discarded (NEST's convention).
/// Between inputs V relaxes exactly toward V_∞ = E_L + R I_e:
///
///     V(t) = V_∞ + (V(t₀) − V_∞) e^{−(t − t₀)/τ_m},
///
/// so when V_∞ > V_th the next threshold crossing without input has the closed
/// form t* = t₀ + τ_m ln((V(t₀) − V_∞)/(V_th − V_∞)). Units: ms, mV, pA, pF.
/// Defaults are NEST's `iaf_psc_delta`.
public struct LIFParameters: Sendable, Equatable {
    public var tauM = 10.0
    public var eL = -70.0
    public var vTh = -55.0
    public var vReset = -70.0
    public var tRef = 2.0
    public var cM = 250.0
    public var iE = 0.0

    public init() {}

    public init(tauM: Double, eL: Double, vTh: Double, vReset: Double, tRef: Double, cM: Double = 250, iE: Double = 0) {
        self.tauM = tauM; self.eL = eL; self.vTh = vTh; self.vReset = vReset; self.tRef = tRef
        self.cM = cM; self.iE = iE
    }

    /// The potential V relaxes to without input: E_L + τ_m I_e / C_m.
    public var vInfinity: Double { eL + tauM * iE / cM }

    /// Time from V = `v` to the threshold without input (∞ if V_∞ ≤ V_th).
    public func timeToThreshold(from v: Double) -> Double {
        let vi = vInfinity
        if v >= vTh { return 0 }
        guard vi > vTh else { return .infinity }
        return tauM * Foundation.log((v - vi) / (vTh - vi))
    }
}
