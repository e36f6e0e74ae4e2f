import Foundation
import ReverieKernel

/// The lif-exp factors of a population at a slot's start s₀ = t − origin:
/// e^{−s₀/τ_m} and, per channel, the factor h_c(s₀) by which x_c gives the
/// channel's term of V − V_∞ (K_c e^{−s₀/τ_c}, or s₀ e^{−s₀/τ_m}/C_m when τ_c = τ_m).
struct CurrentSlotFactors {
    var s0 = 0.0
    var membrane = 1.0
    var channel = (0.0, 0.0)
}

/// `lif-exp` units (`LIFExpParameters`). A unit stores u, x_ex, x_in with
///
///     V(t) = V_∞ + u e^{−s/τ_m} + Σ_c h_c(s) x_c,   I_c(t) = x_c e^{−s/τ_c},   s = t − origin,
///
/// h_c(s) = K_c e^{−s/τ_c}, or s e^{−s/τ_m}/C_m when τ_c = τ_m. An input w on
/// channel c at s adds w e^{s/τ_c} to x_c and takes w h_c(s) e^{s/τ_m} from u,
/// which keeps V continuous. Each term is monotone (or, degenerate, unimodal
/// with its peak at s = τ_m) in s, so the sum of each term's largest value on
/// [slot start, t] bounds V there from above (`rv_lifexp_deliver`). Within a
/// slot a unit is tested before each of its inputs and once at the slot's end:
/// the bound clears nearly all of them; the others are searched exactly on the
/// closed form from their last event (`LIFExpTrajectory`). Refractory units
/// hold u = −∞ while their currents go on; V_reset is restored at the end of
/// the period, in time order with the arrivals.
extension SpikingNetwork {
    /// Computes every lif-exp population's factors at the slot start.
    func prepareCurrentSlot(start: Double) {
        let s0 = start - origin
        for p in populations.indices {
            guard let e = populations[p].lifExp else { continue }
            let m = Foundation.exp(-s0 / e.tauM)
            slotFactors[p] = CurrentSlotFactors(s0: s0, membrane: m, channel: (channelFactor(0, e, s: s0), channelFactor(1, e, s: s0)))
        }
    }

    /// h_c(s) of `CurrentSlotFactors`.
    @inline(__always) func channelFactor(_ c: Int, _ e: LIFExpParameters, s: Double) -> Double {
        e.isDegenerate(c) ? s * Foundation.exp(-s / e.tauM) / e.cM : e.voltagePerCurrent(c) * Foundation.exp(-s / e.tauSyn(c))
    }

    /// Fills `currentCoefficients` for population `p` on [slot start, t]
    /// (layout in `rv_lifexp_deliver`): each term's factor and slope factor at
    /// both ends and at its interior extremum (a degenerate term's peak at
    /// s = τ_m, its slope's trough at s = 2τ_m), an input's factors at t
    /// (e^{s/τ_c} for x_c, h_c(s) e^{s/τ_c} e^{s/τ_m} for u), and the width.
    func fillCurrentCoefficients(population p: Int, _ e: LIFExpParameters, until t: Double) {
        let f = slotFactors[p], s = t - origin
        let em = Foundation.exp(-s / e.tauM)
        currentCoefficients[0] = f.membrane
        currentCoefficients[1] = em
        currentCoefficients[12] = -f.membrane / e.tauM
        currentCoefficients[13] = -em / e.tauM
        for c in 0..<2 {
            let h0 = c == 0 ? f.channel.0 : f.channel.1
            let decay = e.isDegenerate(c) ? em : Foundation.exp(-s / e.tauSyn(c))
            let h1 = e.isDegenerate(c) ? s * em / e.cM : e.voltagePerCurrent(c) * decay
            let d0: Double, d1: Double, peak: Double, trough: Double
            if e.isDegenerate(c) {
                // d/ds [s e^{−s/τ}/C] = (1 − s/τ) e^{−s/τ}/C.
                d0 = (1 - f.s0 / e.tauM) * f.membrane / e.cM
                d1 = (1 - s / e.tauM) * em / e.cM
                peak = f.s0 < e.tauM && e.tauM < s ? e.tauM * Foundation.exp(-1) / e.cM : h0
                trough = f.s0 < 2 * e.tauM && 2 * e.tauM < s ? -Foundation.exp(-2) / e.cM : d0
            } else {
                d0 = -h0 / e.tauSyn(c)
                d1 = -h1 / e.tauSyn(c)
                peak = h0
                trough = d0
            }
            currentCoefficients[2 + 3 * c] = h0
            currentCoefficients[3 + 3 * c] = h1
            currentCoefficients[4 + 3 * c] = peak
            currentCoefficients[14 + 3 * c] = d0
            currentCoefficients[15 + 3 * c] = d1
            currentCoefficients[16 + 3 * c] = trough
            currentCoefficients[8 + c] = 1 / decay
            // h_c(s) e^{s/τ_c} e^{s/τ_m}: K_c e^{s/τ_m}, or s e^{s/τ_m}/C_m when degenerate.
            currentCoefficients[10 + c] = (e.isDegenerate(c) ? s / e.cM : e.voltagePerCurrent(c)) / em
        }
        currentCoefficients[20] = s - f.s0
    }

    /// Delivers one arrival to lif-exp targets (step 2 of a slot).
    func deliverCurrent(_ a: SpikeArrival, route: Route, _ e: LIFExpParameters, slotStart: Double) {
        let k = Int(a.projection), t = a.time
        let row = synapses(of: a)
        synapticEvents += row.count
        fillCurrentCoefficients(population: route.population, e, until: t)
        let theta = e.vTh - e.vInfinity
        if route.plastic {
            deliverPlasticCurrent(a, projection: k, row: row, route: route, e, theta: theta, slotStart: slotStart)
            return
        }
        let targets = projections[k].rows.targets, weights = projections[k].synapseWeights
        let late = LIFKernels.deliverCurrent(targets, row, weights: weights, weight: route.weight, base: route.first,
                                             coefficients: currentCoefficients, theta: theta, t: t, u: &u, iEx: &iEx, iIn: &iIn,
                                             lastInput: &lastInput, late: &scratch)
        for m in 0..<late {
            let s = row.lowerBound + Int(scratch[m]), i = route.first + Int(targets[s])
            spikeIfCrossedCurrent(i, before: t, e, slotStart: slotStart)
            applyCurrent(i, weights.map { Double($0[s]) } ?? route.weight, at: t)
        }
    }

    /// Adds input `w` (pA) at `t` to unit i's channel (excitatory if w ≥ 0),
    /// with the factors of `fillCurrentCoefficients`.
    @inline(__always) func applyCurrent(_ i: Int, _ w: Double, at t: Double) {
        if w >= 0 { iEx[i] += w * currentCoefficients[8]; u[i] -= w * currentCoefficients[10] }
        else { iIn[i] += w * currentCoefficients[9]; u[i] -= w * currentCoefficients[11] }
        lastInput[i] = t
    }

    /// Delivery through plastic synapses onto lif-exp units, synapse by synapse
    /// in row order: a crossing before t (which potentiates), then the rule's
    /// presynaptic hook (or its pair-STDP kernel: the same bits), then the input.
    /// The arrival's presynaptic trace counts it afterwards.
    func deliverPlasticCurrent(_ a: SpikeArrival, projection k: Int, row: Range<Int>, route: Route, _ e: LIFExpParameters,
                               theta: Double, slotStart: Double) {
        let t = a.time, src = Int(a.source)
        let targets = projections[k].rows.targets
        let tauPre = projections[k].plasticity!.tauPre
        let yScale = Foundation.exp(-(t - origin) / projections[k].plasticity!.tauPost)
        let kernel = useFastKernels ? projections[k].plasticity!.pairKernel : nil
        let x = projections[k].plasticity!.preTrace[src] * Foundation.exp(-(t - origin) / tauPre)
        for s in row {
            let i = route.first + Int(targets[s])
            if LIFKernels.currentBound(u: u[i], iEx: iEx[i], iIn: iIn[i], coefficients: currentCoefficients) >= theta {
                spikeIfCrossedCurrent(i, before: t, e, slotStart: slotStart)
            }
            let y = projections[k].plasticity!.postTrace[Int(targets[s])] * yScale
            let w0 = projections[k].plasticity!.weights[s]
            let w = kernel.map { $0.depressed(w0, postTrace: y) }
                ?? projections[k].plasticity!.rule.onPresynapticSpike(weight: w0, pre: LocalSignal(activity: 1, aux: x),
                                                                      post: LocalSignal(activity: 0, aux: y))
            projections[k].plasticity!.weights[s] = w
            applyCurrent(i, w, at: t)
        }
        projections[k].plasticity!.preTrace[src] += Foundation.exp((t - origin) / tauPre)
    }

    /// Unit i's distance to threshold from `t` on, without further input (u finite).
    func trajectory(_ i: Int, _ e: LIFExpParameters, at t: Double) -> LIFExpTrajectory {
        let s = t - origin, em = Foundation.exp(-s / e.tauM)
        var g = LIFExpTrajectory(c: e.vInfinity - e.vTh, p: u[i] * em, q: 0, rEx: 0, rIn: 0,
                                 lM: 1 / e.tauM, lEx: 1 / e.tauSynEx, lIn: 1 / e.tauSynIn)
        for c in 0..<2 {
            let x = c == 0 ? iEx[i] : iIn[i]
            guard x != 0 else { continue }
            if e.isDegenerate(c) {
                let current = x * em
                g.p += current * s / e.cM
                g.q += current / e.cM
            } else {
                let r = e.voltagePerCurrent(c) * x * Foundation.exp(-s / e.tauSyn(c))
                if c == 0 { g.rEx = r } else { g.rIn = r }
            }
        }
        return g
    }

    /// The u that gives unit i the potential `v` at `t`, with its currents as they are.
    func membraneCoefficient(_ i: Int, _ e: LIFExpParameters, voltage v: Double, at t: Double) -> Double {
        let s = t - origin
        var rest = v - e.vInfinity
        for c in 0..<2 {
            let x = c == 0 ? iEx[i] : iIn[i]
            if x != 0 { rest -= channelFactor(c, e, s: s) * x }
        }
        return rest * Foundation.exp(s / e.tauM)
    }

    /// V of lif-exp unit i now (V_reset while refractory).
    func currentVoltage(_ i: Int, _ e: LIFExpParameters) -> Double {
        if time < refractoryUntil[i] { return e.vReset }
        var a = u[i]
        // A period that has ended but whose reset is restored later in the slot.
        if a == -.infinity { a = membraneCoefficient(i, e, voltage: e.vReset, at: refractoryUntil[i]) }
        let s = time - origin
        return e.vInfinity + a * Foundation.exp(-s / e.tauM) + channelFactor(0, e, s: s) * iEx[i] + channelFactor(1, e, s: s) * iIn[i]
    }

    /// Spikes lif-exp unit i at each threshold crossing before `t`, searched
    /// exactly from its last event (its last input, the slot start or the end
    /// of its refractory period).
    func spikeIfCrossedCurrent(_ i: Int, before t: Double, _ e: LIFExpParameters, slotStart: Double) {
        while u[i] != -.infinity {
            let t0 = max(lastInput[i], slotStart, refractoryUntil[i])
            guard t0 <= t, let tau = trajectory(i, e, at: t0).firstCrossing(within: t - t0) else { return }
            let spike = min(t0 + tau, t)
            recordSpike(i, at: spike, tRef: e.tRef,
                        membrane: e.tRef > 0 ? -.infinity : membraneCoefficient(i, e, voltage: e.vReset, at: spike))
        }
    }

    /// Step 3 of a slot for a lif-exp population: units that reach threshold before `slotEnd` without further input.
    func currentCrossings(population p: Int, slotStart: Double, slotEnd: Double) {
        guard let e = populations[p].lifExp else { return }
        fillCurrentCoefficients(population: p, e, until: slotEnd)
        let range = owned[p]
        let found = LIFKernels.findCurrentCandidates(u: u, iEx: iEx, iIn: iIn, range, coefficients: currentCoefficients,
                                                     theta: e.vTh - e.vInfinity, into: &scratch)
        for m in 0..<found { spikeIfCrossedCurrent(range.lowerBound + Int(scratch[m]), before: slotEnd, e, slotStart: slotStart) }
    }

    /// Restores V_reset (with the currents as they are) for units of population p whose period ends at or before `t`.
    func endCurrentRefractoryPeriods(population p: Int, _ e: LIFExpParameters, through t: Double) {
        while !refractoryEnds[p].isEmpty && refractoryEnds[p].first.time <= t {
            let (end, i) = refractoryEnds[p].removeFirst()
            // Skip a period that setVoltage cut short.
            if refractoryUntil[i] == end { u[i] = membraneCoefficient(i, e, voltage: e.vReset, at: end) }
        }
    }

    /// Moves lif-exp units' scaled values to an origin `shift` ms later. A
    /// degenerate channel's term (x/C) s e^{−s/τ_m} passes x·shift/C to u.
    func rebaseCurrents(_ range: Range<Int>, _ e: LIFExpParameters, by shift: Double) {
        let fm = Foundation.exp(-shift / e.tauM), fe = Foundation.exp(-shift / e.tauSynEx), fi = Foundation.exp(-shift / e.tauSynIn)
        let dEx = e.isDegenerate(0) ? shift / e.cM : 0, dIn = e.isDegenerate(1) ? shift / e.cM : 0
        for i in range {
            u[i] = (u[i] + dEx * iEx[i] + dIn * iIn[i]) * fm
            iEx[i] *= fe
            iIn[i] *= fi
        }
    }

    /// Whether no lif-exp unit of the population can reach threshold without
    /// further input: none refractory, V_∞ ≤ V_th, and the positive terms of V − V_∞ now below V_th − V_∞.
    func currentsAreQuiescent(_ units: Range<Int>, _ e: LIFExpParameters) -> Bool {
        guard e.vInfinity <= e.vTh else { return false }
        let s = time - origin, em = Foundation.exp(-s / e.tauM), h0 = channelFactor(0, e, s: s), h1 = channelFactor(1, e, s: s)
        return units.allSatisfy { i in
            u[i] != -.infinity && max(0, u[i] * em) + max(0, h0 * iEx[i]) + max(0, h1 * iIn[i]) < e.vTh - e.vInfinity
        }
    }
}
