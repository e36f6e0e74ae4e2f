import Foundation

/// Leaky integrate-and-fire membrane with exponential synaptic currents, as
/// NEST's `iaf_psc_exp_ps` (Hanuschkin et al. 2010; the synapses of the
/// Vogels–Abbott CUBA network, Brette et al. 2007 benchmark 2):
///
///     τ_m dV/dt = −(V − E_L) + τ_m (I_ex + I_in + I_e) / C_m,
///     τ_ex dI_ex/dt = −I_ex,   τ_in dI_in/dt = −I_in,
///
/// a presynaptic spike arriving through a synapse of weight w (pA) adds w to
/// I_ex if w ≥ 0, else to I_in (NEST's convention). V is continuous: input never
/// makes it jump, so simultaneous inputs cannot matter for the threshold test.
/// When V reaches V_th the unit spikes and V is clamped to V_reset for t_ref,
/// while the currents keep decaying and receiving input (as NEST).
///
/// Between inputs the state evolves in closed form. With V_∞ = E_L + τ_m I_e / C_m,
///
///     V(t₀ + τ) = V_∞ + (P + Q τ) e^{−τ/τ_m} + Σ_c R_c e^{−τ/τ_c},
///
/// where for each channel c with current I_c(t₀) either τ_c ≠ τ_m and
/// R_c = K_c I_c(t₀), K_c = τ_m τ_c / (C_m (τ_c − τ_m)), or τ_c = τ_m (the
/// degenerate case) and the channel adds I_c(t₀)/C_m to Q; P = V(t₀) − V_∞ − Σ R_c.
/// Units: ms, mV, pA, pF. Defaults are NEST's `iaf_psc_exp_ps`.
public struct LIFExpParameters: Sendable, Equatable {
    public var tauM = 10.0
    public var eL = -70.0
    public var vTh = -55.0
    public var vReset = -70.0
    public var tRef = 2.0
    public var cM = 250.0
    public var iE = 0.0
    public var tauSynEx = 2.0
    public var tauSynIn = 2.0

    public init() {}

    public init(tauM: Double, eL: Double, vTh: Double, vReset: Double, tRef: Double, cM: Double = 250, iE: Double = 0,
                tauSynEx: Double, tauSynIn: Double) {
        self.tauM = tauM; self.eL = eL; self.vTh = vTh; self.vReset = vReset; self.tRef = tRef
        self.cM = cM; self.iE = iE; self.tauSynEx = tauSynEx; self.tauSynIn = tauSynIn
    }

    /// The potential V relaxes to without synaptic current: E_L + τ_m I_e / C_m.
    public var vInfinity: Double { eL + tauM * iE / cM }

    /// τ_c of channel 0 (excitatory) or 1 (inhibitory).
    @inline(__always) func tauSyn(_ channel: Int) -> Double { channel == 0 ? tauSynEx : tauSynIn }

    /// Whether channel c is degenerate (τ_c = τ_m).
    @inline(__always) func isDegenerate(_ channel: Int) -> Bool { tauSyn(channel) == tauM }

    /// K_c = τ_m τ_c / (C_m (τ_c − τ_m)) (mV per pA): the voltage per unit of
    /// current of channel c's particular solution (unused when degenerate).
    @inline(__always) func voltagePerCurrent(_ channel: Int) -> Double {
        let tc = tauSyn(channel)
        return tauM * tc / (cM * (tc - tauM))
    }

    /// The time constants (ms), the shortest of which bounds how far values may be kept scaled.
    var timeConstants: [Double] { [tauM, tauSynEx, tauSynIn] }
}
