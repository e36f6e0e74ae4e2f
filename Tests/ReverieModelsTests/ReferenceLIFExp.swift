import Foundation
@testable import ReverieModels

/// An independent reference for one `lif-exp` unit: the ODE system
///   dV/dt = −(V − E_L)/τ_m + (I_ex + I_in + I_e)/C_m,  dI_c/dt = −I_c/τ_c
/// integrated by classical Runge–Kutta (4th order) with step h, stepping exactly
/// to every input time. A crossing inside a step is located by bisection on
/// the step length, re-integrating from the step's start each time (60
/// halvings). Refractoriness as NEST: V held at V_reset for t_ref, currents go on.
/// Local error ~ (h/τ)⁵ × 10 mV: with h = 1e-3 ms and τ ≥ 1 ms, far below 1e-12 mV.
struct ReferenceLIFExp {
    var p: LIFExpParameters
    var h = 1e-3

    /// One RK4 step of length dt from (v, ie, ii); V frozen while refractory.
    func step(_ s: (Double, Double, Double), _ dt: Double, clamped: Bool) -> (Double, Double, Double) {
        func f(_ x: (Double, Double, Double)) -> (Double, Double, Double) {
            let dv = clamped ? 0 : -(x.0 - p.eL) / p.tauM + (x.1 + x.2 + p.iE) / p.cM
            return (dv, -x.1 / p.tauSynEx, -x.2 / p.tauSynIn)
        }
        func add(_ a: (Double, Double, Double), _ b: (Double, Double, Double), _ k: Double) -> (Double, Double, Double) {
            (a.0 + k * b.0, a.1 + k * b.1, a.2 + k * b.2)
        }
        let k1 = f(s), k2 = f(add(s, k1, dt / 2)), k3 = f(add(s, k2, dt / 2)), k4 = f(add(s, k3, dt))
        return (s.0 + dt / 6 * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0),
                s.1 + dt / 6 * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1),
                s.2 + dt / 6 * (k1.2 + 2 * k2.2 + 2 * k3.2 + k4.2))
    }

    /// Spike times up to `end` from V = v0 at t = 0, with `inputs` (time, weight pA) sorted by time.
    func spikes(v0: Double, inputs: [(time: Double, weight: Double)], until end: Double) -> [Double] {
        var state = (v0, 0.0, 0.0), t = 0.0, refractoryUntil = -Double.infinity
        var out: [Double] = [], next = 0
        while t < end {
            while next < inputs.count && inputs[next].time <= t {
                if inputs[next].weight >= 0 { state.1 += inputs[next].weight } else { state.2 += inputs[next].weight }
                next += 1
            }
            var stop = min(t + h, end, next < inputs.count ? inputs[next].time : .infinity)
            let clamped = t < refractoryUntil
            if clamped { stop = min(stop, refractoryUntil) }
            let s1 = step(state, stop - t, clamped: clamped)
            if !clamped && s1.0 >= p.vTh {
                var lo = 0.0, hi = stop - t
                for _ in 0..<60 {
                    let mid = 0.5 * (lo + hi)
                    if step(state, mid, clamped: false).0 >= p.vTh { hi = mid } else { lo = mid }
                }
                let spike = t + hi
                out.append(spike)
                state = step(state, hi, clamped: false)
                state.0 = p.vReset
                t = spike
                refractoryUntil = spike + p.tRef
                continue
            }
            state = s1
            t = stop
            if clamped && t >= refractoryUntil { state.0 = p.vReset }
        }
        return out
    }
}
