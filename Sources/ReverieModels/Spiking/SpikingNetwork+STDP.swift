import Foundation
import ReverieKernel

extension SpikingNetwork {
    /// Delivers an arrival through a plastic projection: for each target, first
    /// any threshold crossing before t (which potentiates), then the rule's
    /// presynaptic hook (depression with the target's postsynaptic trace), then
    /// the jump with the new weight. The source's presynaptic trace counts the
    /// arrival afterwards. Units lifted to threshold spike when all arrivals at t
    /// are in (`spikeUnitsAtThreshold`).
    ///
    /// A rule whose fast kernel is pair STDP runs in `LIFKernels.deliverSTDP`;
    /// targets that crossed earlier come back to be handled here, after it
    /// (targets of one row are distinct units, so the order between them does
    /// not matter). Otherwise the rule's hooks run synapse by synapse, in row
    /// order; both give the same bits (`FastKernelTests`).
    func deliverPlastic(_ a: SpikeArrival, projection k: Int, lif: LIFParameters, f: Double, theta: Double, slotStart: Double) {
        let t = a.time, src = Int(a.source), base = routes[k].first
        let targets = projections[k].rows.targets
        let row = synapses(of: a)
        let lo = row.lowerBound, n = row.count
        let tauPre = projections[k].plasticity!.tauPre
        let yScale = Foundation.exp(-(t - origin) / projections[k].plasticity!.tauPost)
        if useFastKernels, let kernel = projections[k].plasticity!.pairKernel {
            // Taken out of the array while the kernel writes its weights (no copy: the arrays stay unique).
            var stdp = projections[k].plasticity.take()!
            let late = LIFKernels.deliverSTDP(targets, lo..<(lo + n), weights: &stdp.weights, base: base, postTrace: stdp.postTrace,
                                              yScale: yScale, rule: kernel, f: f, theta: theta, u: &u, late: &scratch)
            projections[k].plasticity = consume stdp
            for m in 0..<late {
                let x = Int(scratch[m])
                let s = lo + (x < 0 ? ~x : x), i = base + Int(targets[s])
                if x < 0 { markAtThreshold(i); continue }
                deliverPlasticLate(s, unit: i, projection: k, source: src, at: t, yScale: yScale, lif: lif, f: f, theta: theta,
                                   slotStart: slotStart)
            }
        } else {
            let x = projections[k].plasticity!.preTrace[src] * Foundation.exp(-(t - origin) / tauPre)
            for s in lo..<(lo + n) {
                let i = base + Int(targets[s])
                if u[i] >= theta {
                    deliverPlasticLate(s, unit: i, projection: k, source: src, at: t, yScale: yScale, lif: lif, f: f, theta: theta,
                                       slotStart: slotStart)
                    continue
                }
                let y = projections[k].plasticity!.postTrace[Int(targets[s])] * yScale
                let w = projections[k].plasticity!.rule.onPresynapticSpike(
                    weight: projections[k].plasticity!.weights[s], pre: LocalSignal(activity: 1, aux: x), post: LocalSignal(activity: 0, aux: y))
                projections[k].plasticity!.weights[s] = w
                u[i] += w * f
                if u[i] >= theta { markAtThreshold(i) }
            }
        }
        projections[k].plasticity!.preTrace[src] += Foundation.exp((t - origin) / tauPre)
    }

    /// Synapse `s` of plastic projection `k` onto unit `i`, which is above
    /// threshold at the arrival from `source`: spike it at its crossing (unless
    /// input at this same time lifted it), then the presynaptic hook, then the jump.
    private func deliverPlasticLate(_ s: Int, unit i: Int, projection k: Int, source: Int, at t: Double, yScale: Double,
                                    lif: LIFParameters, f: Double, theta: Double, slotStart: Double) {
        if !atThreshold[i] { spikeIfCrossed(i, before: t, lif: lif, slotStart: slotStart) }
        // Read field by field: a copy of the synapses would make the writes below copy their arrays.
        let y = projections[k].plasticity!.postTrace[Int(projections[k].rows.targets[s])] * yScale
        let w0 = projections[k].plasticity!.weights[s]
        let w: Double
        if useFastKernels, let kernel = projections[k].plasticity!.pairKernel {
            w = kernel.depressed(w0, postTrace: y)
        } else {
            let x = projections[k].plasticity!.preTrace[source] * Foundation.exp(-(t - origin) / projections[k].plasticity!.tauPre)
            w = projections[k].plasticity!.rule.onPresynapticSpike(weight: w0, pre: LocalSignal(activity: 1, aux: x),
                                                                   post: LocalSignal(activity: 0, aux: y))
        }
        projections[k].plasticity!.weights[s] = w
        guard t >= refractoryUntil[i] else { return }
        u[i] += w * f
        if u[i] >= theta { markAtThreshold(i) }
    }

    /// Postsynaptic unit `i` (local index) of plastic projection `k` spiked at `t`:
    /// the rule's postsynaptic hook (potentiation with the presynaptic traces at t)
    /// on its incoming synapses, then the spike counts in its postsynaptic trace.
    ///
    /// Crossings are found lazily, but never after an input that follows them:
    /// a unit checks for a crossing before every input (`deliverPlastic`), and
    /// a presynaptic trace counts an arrival only after its targets had it. So
    /// the traces of i's presynaptic units hold exactly the arrivals up to t.
    func potentiate(projection k: Int, post i: Int, at t: Double) {
        // Read field by field: a copy of the synapses would make the writes below copy their arrays.
        let tauPre = projections[k].plasticity!.tauPre, tauPost = projections[k].plasticity!.tauPost
        let g = Foundation.exp(-(t - origin) / tauPre)
        let start = projections[k].plasticity!.incomingStart, incoming = projections[k].plasticity!.incoming
        if useFastKernels, let kernel = projections[k].plasticity!.pairKernel {
            for m in start[i]..<start[i + 1] {
                let (pre, s) = incoming[m]
                let x = projections[k].plasticity!.preTrace[Int(pre)] * g
                projections[k].plasticity!.weights[Int(s)] = kernel.potentiated(projections[k].plasticity!.weights[Int(s)], preTrace: x)
            }
        } else {
            let rule = projections[k].plasticity!.rule
            let y = projections[k].plasticity!.postTrace[i] * Foundation.exp(-(t - origin) / tauPost)
            for m in start[i]..<start[i + 1] {
                let (pre, s) = incoming[m]
                let x = projections[k].plasticity!.preTrace[Int(pre)] * g
                projections[k].plasticity!.weights[Int(s)] = rule.onPostsynapticSpike(
                    weight: projections[k].plasticity!.weights[Int(s)], pre: LocalSignal(activity: 0, aux: x), post: LocalSignal(activity: 1, aux: y))
            }
        }
        projections[k].plasticity!.postTrace[i] += Foundation.exp((t - origin) / tauPost)
    }
}
