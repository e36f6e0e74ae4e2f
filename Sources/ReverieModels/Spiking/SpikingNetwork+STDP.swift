import CReverieSIMD
import Foundation
import ReverieKernel

extension SpikingNetwork {
    /// Delivers an arrival through a plastic projection: for each target, first
    /// any threshold crossing before t (which potentiates), then depression with
    /// the target's postsynaptic trace, then the jump with the new weight. The
    /// source's presynaptic trace counts the arrival afterwards. The common case
    /// runs in `rv_lif_deliver_stdp`; targets that crossed earlier come back to
    /// be handled here, after it (targets of one row are distinct units, so the
    /// order between them does not matter). Units lifted to threshold spike when
    /// all arrivals at t are in (`spikeUnitsAtThreshold`).
    func deliverPlastic(_ a: SpikeArrival, projection k: Int, lif: LIFParameters, f: Double, theta: Double, slotStart: Double) {
        let t = a.time, src = Int(a.source), base = routes[k].first
        let targets = projections[k].rows.targets
        let lo = projections[k].rows.rowStart[src], n = projections[k].rows.rowStart[src + 1] - lo
        // Taken out of the array while the kernel writes its weights (no copy: the arrays stay unique).
        var stdp = projections[k].plasticity.take()!
        let rule = stdp.rule
        let yScale = Foundation.exp(-(t - origin) / rule.tauMinus)
        let late = targets.withUnsafeBufferPointer { tg in
            stdp.weights.withUnsafeMutableBufferPointer { w in
                stdp.postTrace.withUnsafeBufferPointer { y in
                    rv_lif_deliver_stdp(tg.baseAddress! + lo, w.baseAddress! + lo, Int64(n), Int64(base), y.baseAddress!, yScale,
                                        rule.aMinus, rule.wMax, rule.dependence == .multiplicative ? 1 : 0, f, theta, &u, &scratch)
                }
            }
        }
        projections[k].plasticity = consume stdp
        for m in 0..<Int(late) {
            let x = Int(scratch[m])
            let s = lo + (x < 0 ? ~x : x), local = Int(targets[s]), i = base + local
            if x < 0 { markAtThreshold(i); continue }
            if !atThreshold[i] { spikeIfCrossed(i, before: t, lif: lif, slotStart: slotStart) }
            let y = projections[k].plasticity!.postTrace[local] * yScale
            let w = rule.depressed(projections[k].plasticity!.weights[s], postTrace: y)
            projections[k].plasticity!.weights[s] = w
            guard t >= refractoryUntil[i] else { continue }
            u[i] += w * f
            if u[i] >= theta { markAtThreshold(i) }
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
