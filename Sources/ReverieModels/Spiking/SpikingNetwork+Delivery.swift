import Foundation
import CReverieSIMD
import ReverieKernel

extension SpikingNetwork {
    /// A projection's rows as pointers (`withRowTable`).
    struct RowTable {
        /// Where each source's row starts (with a delay per synapse: each delay group's).
        var rowStart: UnsafePointer<Int>
        /// nil when the projection has no synapses here.
        var targets: UnsafePointer<UInt32>?
        var weights: UnsafePointer<Float>?
    }

    /// Runs `body` with projection `k`'s rows as pointers, read from copies of its arrays
    /// (so that nothing a delivery changes in `projections`, such as a potentiation,
    /// overlaps them): an arrival then reads its row without reference counting or bounds checks.
    func withRowTable<R>(_ k: Int, _ body: (RowTable) -> R) -> R {
        let starts = projections[k].hasSynapseDelays ? projections[k].groupStart : projections[k].rows.rowStart
        let targets = projections[k].rows.targets, weights = projections[k].synapseWeights
        return starts.withUnsafeBufferPointer { r in
            targets.withUnsafeBufferPointer { t in
                guard let weights else { return body(RowTable(rowStart: r.baseAddress!, targets: t.baseAddress, weights: nil)) }
                return weights.withUnsafeBufferPointer { body(RowTable(rowStart: r.baseAddress!, targets: t.baseAddress, weights: $0.baseAddress)) }
            }
        }
    }

    /// `withRowTable` for every projection at once (for one slot's arrivals).
    func withRowTables<R>(_ body: (UnsafeBufferPointer<RowTable>) -> R) -> R {
        var tables: [RowTable] = []
        tables.reserveCapacity(projections.count)
        func nest(_ k: Int) -> R {
            guard k < projections.count else { return tables.withUnsafeBufferPointer(body) }
            return withRowTable(k) { tables.append($0); return nest(k + 1) }
        }
        return nest(0)
    }

    /// Delivers one arrival to every target of its projection (step 2 of a slot): voltage
    /// jumps through `table`, the projection's rows; currents and plastic synapses apart.
    @inline(__always)
    func deliver(_ a: SpikeArrival, through table: RowTable, slotStart: Double) {
        let k = Int(a.projection), j = Int(a.source)
        if let e = routes[k].current { deliverCurrent(a, route: routes[k], e, slotStart: slotStart); return }
        let lif = routes[k].lif, first = routes[k].first, weight = routes[k].weight
        let t = a.time
        let f = Foundation.exp((t - origin) / lif.tauM)
        /// u at or above this means V ≥ V_th at t.
        let theta = (lif.vTh - lif.vInfinity) * f
        let lo = table.rowStart[j], hi = table.rowStart[j + 1]
        synapticEvents += hi - lo
        if routes[k].plastic {
            deliverPlastic(a, projection: k, lif: lif, f: f, theta: theta, slotStart: slotStart)
            return
        }
        guard hi > lo, let targets = table.targets else { return }
        precondition(hi - lo <= scratch.count)
        let late = u.withUnsafeMutableBufferPointer { u in
            scratch.withUnsafeMutableBufferPointer { s in
                Int(rv_lif_deliver(targets + lo, table.weights.map { $0 + lo }, Int64(hi - lo), Int64(first), weight, f, theta,
                                   u.baseAddress!, s.baseAddress!))
            }
        }
        deliverLate(a, late, through: table, slotStart: slotStart)
    }

    /// The rare cases of a voltage-jump arrival, the `late` entries `rv_lif_deliver` left in
    /// `scratch`, in row order: ~k's target reached threshold with this input, k's was
    /// above it already (crossed earlier, or reached it at this same time).
    func deliverLate(_ a: SpikeArrival, _ late: Int, through table: RowTable, slotStart: Double) {
        let route = routes[Int(a.projection)], lo = table.rowStart[Int(a.source)]
        for m in 0..<late where scratch[m] != -Int64.max {
            let x = Int(scratch[m])
            let s = lo + (x < 0 ? ~x : x), i = route.first + Int(table.targets![s])
            if x < 0 { markAtThreshold(i); continue }
            deliverAfterCrossing(i, at: a.time, jump: table.weights.map { Double($0[s]) } ?? route.weight, lif: route.lif,
                                 slotStart: slotStart)
        }
    }

    /// The voltage-jump projections' rows and parameters for `rv_lif_deliver_arrivals`
    /// (`jump` 0 for the others), in `jumpRoutes`.
    func fillJumpRoutes(_ tables: UnsafeBufferPointer<RowTable>) {
        jumpRoutes.removeAll(keepingCapacity: true)
        for (k, r) in routes.enumerated() {
            let t = tables[k]
            jumpRoutes.append(rv_jump_route(row_start: UnsafeRawPointer(t.rowStart).assumingMemoryBound(to: Int64.self),
                                            targets: t.targets, weights: t.weights, base: Int64(r.first), weight: r.weight,
                                            tau_m: r.lif.tauM, theta_scale: r.lif.vTh - r.lif.vInfinity,
                                            jump: r.current == nil && !r.plastic ? 1 : 0))
        }
    }

    /// Delivers voltage-jump arrivals from `arrivals[j]` on in one call of
    /// `rv_lif_deliver_arrivals` (the arithmetic of `deliver` one at a time), up to the
    /// first that needs more than a jump; returns the next to deliver. A target whose
    /// refractory period ended before the arrival has its reset restored then, rather
    /// than in time order with the arrivals: the same values (`endRefractoryPeriods`
    /// skips a unit restored so).
    func deliverJumps(from j: Int, slotStart: Double, tables: UnsafeBufferPointer<RowTable>) -> Int {
        var late: Int64 = 0, events: Int64 = 0
        let hold: Int32 = thresholdUnits.isEmpty ? 0 : 1
        let next = arrivals.withUnsafeBytes { a in
            jumpRoutes.withUnsafeBufferPointer { r in
                refractoryUntil.withUnsafeBufferPointer { ends in
                    u.withUnsafeMutableBufferPointer { u in
                        scratch.withUnsafeMutableBufferPointer { s in
                            Int(rv_lif_deliver_arrivals(a.baseAddress!.assumingMemoryBound(to: rv_arrival.self), Int64(j),
                                                        Int64(a.count / MemoryLayout<SpikeArrival>.stride), r.baseAddress!, origin,
                                                        hold, u.baseAddress!, ends.baseAddress!, s.baseAddress!, &late, &events))
                        }
                    }
                }
            }
        }
        synapticEvents += Int(events)
        guard late > 0 else { return next }
        let a = arrivals[next - 1], table = tables[Int(a.projection)]
        let route = routes[Int(a.projection)], lo = table.rowStart[Int(a.source)]
        let lif = route.lif, t = a.time
        for m in 0..<Int(late) where scratch[m] >= 0 && scratch[m] & RV_LATE_ENDED != 0 {
            let s = lo + Int(scratch[m] & ~RV_LATE_ENDED), i = route.first + Int(table.targets![s])
            let w = table.weights.map { Double($0[s]) } ?? route.weight
            // A second synapse onto the same unit finds it restored.
            if u[i] == -.infinity { u[i] = (lif.vReset - lif.vInfinity) * Foundation.exp((refractoryUntil[i] - origin) / lif.tauM) }
            let f = Foundation.exp((t - origin) / lif.tauM), theta = (lif.vTh - lif.vInfinity) * f
            if u[i] >= theta {
                scratch[m] = Int64(s - lo)  // crossed earlier: as any late entry, in row order below
                continue
            }
            u[i] += w * f
            scratch[m] = u[i] >= theta ? ~Int64(s - lo) : -Int64.max  // reached threshold now, or nothing left to do
        }
        deliverLate(a, Int(late), through: table, slotStart: slotStart)
        return next
    }

    /// The synapses an arrival reaches: its source's row, or its delay group.
    @inline(__always) func synapses(of a: SpikeArrival) -> Range<Int> {
        let k = Int(a.projection), j = Int(a.source)
        if projections[k].hasSynapseDelays { return projections[k].groupStart[j]..<projections[k].groupStart[j + 1] }
        return projections[k].rows.rowStart[j]..<projections[k].rows.rowStart[j + 1]
    }

    /// Brings the row (or delay group) start of an arrival's source, or its first targets, into the cache.
    @inline(__always)
    func prefetchRow(_ a: SpikeArrival, targets: Bool, _ tables: UnsafeBufferPointer<RowTable>) {
        let table = tables[Int(a.projection)], j = Int(a.source)
        if !targets { rv_prefetch(table.rowStart + j) } else if let t = table.targets { rv_prefetch(t + table.rowStart[j]) }
    }

    /// Input at `t` to unit `i`, which is above threshold: it crossed at some
    /// earlier time in this slot, or an input at this same time lifted it.
    func deliverAfterCrossing(_ i: Int, at t: Double, jump w: Double, lif: LIFParameters, slotStart: Double) {
        if !atThreshold[i] { spikeIfCrossed(i, before: t, lif: lif, slotStart: slotStart) }
        guard t >= refractoryUntil[i] else { return }
        let f = Foundation.exp((t - origin) / lif.tauM)
        u[i] += w * f
        if u[i] >= (lif.vTh - lif.vInfinity) * f { markAtThreshold(i) }
    }

    /// Unit `i` is at or above threshold through input at the current arrival
    /// time; it spikes when every arrival at that time has been applied.
    func markAtThreshold(_ i: Int) {
        if !atThreshold[i] { atThreshold[i] = true; thresholdUnits.append(i) }
    }

    /// Spikes the units that input lifted to threshold at `t`, if the other
    /// inputs at `t` left them there: simultaneous inputs are summed before the
    /// threshold test, as NEST's precise-timing neurons do.
    func spikeUnitsAtThreshold(at t: Double) {
        for k in thresholdUnits.indices {  // by index: no copy of the array (a retain) per call
            let i = thresholdUnits[k]
            atThreshold[i] = false
            let lif = unitLIF[population(of: i)]!
            if u[i] >= (lif.vTh - lif.vInfinity) * Foundation.exp((t - origin) / lif.tauM) { fire(i, at: t, lif: lif) }
        }
        thresholdUnits.removeAll(keepingCapacity: true)
    }

    /// Spikes unit `i` at every threshold crossing before `t` (several only if
    /// t_ref is shorter than the slot).
    func spikeIfCrossed(_ i: Int, before t: Double, lif: LIFParameters, slotStart: Double) {
        let vi = lif.vInfinity
        guard vi > lif.vTh else { return }
        while t >= refractoryUntil[i] && u[i] >= (lif.vTh - vi) * Foundation.exp((t - origin) / lif.tauM) {
            // u e^{−(t* − origin)/τ} = V_th − V_∞  ⇔  t* = origin + τ ln(u / (V_th − V_∞)).
            let crossing = origin + lif.tauM * Foundation.log(u[i] / (lif.vTh - vi))
            fire(i, at: min(max(crossing, slotStart, refractoryUntil[i]), t), lif: lif)
        }
    }

    /// Step 3 of a slot: LIF units that reach threshold before `slotEnd` without input.
    func crossings(population p: Int, slotStart: Double, slotEnd: Double) {
        guard let lif = unitLIF[p], lif.vInfinity > lif.vTh else { return }
        let theta = (lif.vTh - lif.vInfinity) * Foundation.exp((slotEnd - origin) / lif.tauM)
        let range = owned[p]
        let found = LIFKernels.findAbove(u, range, theta: theta, into: &scratch)
        for m in 0..<found { spikeIfCrossed(range.lowerBound + Int(scratch[m]), before: slotEnd, lif: lif, slotStart: slotStart) }
    }

    /// Unit `i` spikes at `t`: reset, refractory period, STDP on its incoming synapses.
    func fire(_ i: Int, at t: Double, lif: LIFParameters) {
        // Refractory: u = −∞ until `endRefractoryPeriods` restores V_reset.
        recordSpike(i, at: t, tRef: lif.tRef,
                    membrane: lif.tRef > 0 ? -.infinity : (lif.vReset - lif.vInfinity) * Foundation.exp((t - origin) / lif.tauM))
    }

    /// The spike of unit `i` at `t`, whose membrane coefficient becomes `membrane`.
    func recordSpike(_ i: Int, at t: Double, tRef: Double, membrane: Double) {
        fired.append((t, i))
        recorded.prefetch(i)  // recorded at the end of the slot (`advanceOwnUnits`)
        refractoryUntil[i] = t + tRef
        u[i] = membrane
        guard hasPlasticity else { return }
        let p = population(of: i)
        for k in plasticInto[p] { potentiate(projection: k, post: i - populations[p].first, at: t) }
    }
}
