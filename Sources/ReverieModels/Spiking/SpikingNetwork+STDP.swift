import Foundation
import ReverieKernel

extension SpikingNetwork {
    /// Delivers an arrival through a plastic projection: for each target, first
    /// any threshold crossing before t (which potentiates), then depression with
    /// the target's postsynaptic trace, then the jump with the new weight. The
    /// source's presynaptic trace counts the arrival afterwards.
    func deliverPlastic(_ a: SpikeArrival, projection k: Int, lif: LIFParameters, f: Double, theta: Double, slotStart: Double) {
        let t = a.time, src = Int(a.source)
        let rows = projections[k].rows
        let base = populations[projections[k].post].first
        let rule = projections[k].plasticity!.rule
        let yScale = Foundation.exp(-(t - origin) / rule.tauMinus)
        for s in rows.rowStart[src]..<rows.rowStart[src + 1] {
            let local = Int(rows.targets[s]), i = base + local
            if t >= refractoryUntil[i] && u[i] >= theta { spikeIfCrossed(i, before: t, lif: lif, slotStart: slotStart) }
            let y = projections[k].plasticity!.postTrace[local] * yScale
            let w = rule.depressed(projections[k].plasticity!.weights[s], postTrace: y)
            projections[k].plasticity!.weights[s] = w
            guard t >= refractoryUntil[i] else { continue }
            u[i] += w * f
            if u[i] >= theta { fire(i, at: t, lif: lif) }
        }
        projections[k].plasticity!.preTrace[src] += Foundation.exp((t - origin) / rule.tauPlus)
    }

    /// Postsynaptic unit `i` (local index) of plastic projection `k` spiked at `t`:
    /// potentiate its incoming synapses with their presynaptic traces at t, then
    /// count the spike in its postsynaptic trace.
    ///
    /// Crossings are found lazily, but never after an input that follows them:
    /// a unit checks for a crossing before every input (`deliverPlastic`), and
    /// a presynaptic trace counts an arrival only after its targets had it. So
    /// the traces of i's presynaptic units hold exactly the arrivals up to t.
    func potentiate(projection k: Int, post i: Int, at t: Double) {
        let rule = projections[k].plasticity!.rule
        let g = Foundation.exp(-(t - origin) / rule.tauPlus)
        let start = projections[k].plasticity!.incomingStart
        for m in start[i]..<start[i + 1] {
            let (pre, s) = projections[k].plasticity!.incoming[m]
            let x = projections[k].plasticity!.preTrace[Int(pre)] * g
            projections[k].plasticity!.weights[Int(s)] = rule.potentiated(projections[k].plasticity!.weights[Int(s)], preTrace: x)
        }
        projections[k].plasticity!.postTrace[i] += Foundation.exp((t - origin) / rule.tauMinus)
    }
}
