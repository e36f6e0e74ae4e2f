import ReverieKernel

/// Messages and clock ticks: how state changes travel along projections and
/// how the units' clocks drive the network's scheduler.
extension BinaryNetwork: DiscreteEventSystem {
    /// h_i += Σ_j J_ij Δs_j over the changed presynaptic units of projection `k`.
    func send(_ changed: [(row: Int, coefficient: Double)], along k: Int) {
        let proj = projections[k]
        let base = populations[proj.post].ids.lowerBound
        switch proj.synapses {
        case .dense(let w):
            DenseKernels.addRows(of: w, changed, into: &field, at: base)
        case .sparse(let w):
            for (j, d) in changed {
                for q in w.rowStart[j]..<w.rowStart[j + 1] { field[base + Int(w.targets[q])] += w.weights[q] * d }
            }
        }
    }

    /// h = Σ_projections Jᵀ s (plus the input from other families), then the unstable count.
    public func recomputeFields() {
        if externalField.isEmpty {
            for i in field.indices { field[i] = 0 }
        } else {
            field = externalField
        }
        for proj in projections {
            guard let pre = proj.pre else { continue }
            let preIDs = populations[pre].ids
            let postBase = populations[proj.post].ids.lowerBound
            switch proj.synapses {
            case .dense(let w):
                DenseKernels.addRows(of: w, weightedBy: state[preIDs], into: &field, at: postBase)
            case .sparse(let w):
                for j in 0..<w.preCount {
                    let sj = state[preIDs.lowerBound + j]
                    for k in w.rowStart[j]..<w.rowStart[j + 1] { field[postBase + Int(w.targets[k])] += w.weights[k] * sj }
                }
            }
        }
        recountUnstable()
        pendingTick = nil
    }

    /// h_i += J_ij Δs_j for every target i, keeping the unstable count exact.
    @inline(__always)
    func deliver(_ msg: Message) {
        pendingTick = nil
        let k = Int(msg.projection)
        let base = populations[projections[k].post].ids.lowerBound
        let j = Int(msg.pre)
        let d = msg.delta
        let track = tracksUnstable
        switch projections[k].synapses {
        case .dense(let w):
            trackedUnstable += DenseKernels.addRow(j, of: w, times: d, into: &field, at: base, watched: track ? watched : nil)
            synapticEvents += w.postCount
        case .sparse(let w):
            let lo = w.rowStart[j], hi = w.rowStart[j + 1]
            var change = 0
            for q in lo..<hi {
                let i = base + Int(w.targets[q])
                let old = field[i]
                let new = old + w.weights[q] * d
                field[i] = new
                if track { change += (watched[i] * new < 0 ? 1 : 0) - (watched[i] * old < 0 ? 1 : 0) }
            }
            trackedUnstable += change
            synapticEvents += hi - lo
        }
        if projections[k].pre == nil { recordExternal(msg) }
    }

    // MARK: DiscreteEventSystem

    public func nextSpontaneousTime(after now: SimTime) -> SimTime? {
        if let t = pendingTick { return t }
        let zeroT = dynamics.temperature == .zero
        let t: SimTime?
        switch dynamics.order {
        case .poisson:
            t = PoissonClock.nextTick(after: now, candidates: zeroT ? trackedUnstable : freeCount, rate: dynamics.rate, rng: &rng)
        case .randomSequential:
            t = sweep.nextTick(after: now, zeroTemperature: zeroT, rate: dynamics.rate, watched: watched, field: field,
                               rng: &rng, updates: &updates)
        }
        pendingTick = t
        return t
    }

    public func fireSpontaneous(at time: SimTime, scheduler: inout Scheduler<Message>) {
        pendingTick = nil
        let i: Int
        switch dynamics.order {
        case .poisson: i = PoissonClock.pick(zeroTemperature: dynamics.temperature == .zero, watched: watched, field: field, rng: &rng)
        case .randomSequential: i = sweep.fire(at: time)
        }
        update(unit: i, at: time, scheduler: &scheduler)
    }

    @inline(__always)
    func update(unit i: Int, at time: SimTime, scheduler: inout Scheduler<Message>) {
        updates += 1
        let s = state[i], h = field[i]
        let next = dynamics.temperature.decide(state: s, field: h, rng: &rng)
        guard next != s else { return }
        if s * h < 0 { trackedUnstable -= 1 }
        if next * h < 0 { trackedUnstable += 1 }
        state[i] = next
        watched[i] = next
        flips += 1
        broadcast(from: i, change: next - s, at: time, scheduler: &scheduler)
    }

    /// Reports unit `i`'s new state and sends `Δs` along its outgoing projections.
    @inline(__always)
    func broadcast(from i: Int, change delta: Double, at time: SimTime, scheduler: inout Scheduler<Message>) {
        if sinks.isActive && !silenced { sinks.emit(.state(NeuronID(Int(firstID) + i), state[i], at: time)); reported[i] = state[i] }
        let p = populationOf[i]
        let local = UInt32(i - populations[p].ids.lowerBound)
        for k in outgoing[p] {
            let msg = Message(projection: UInt16(k), pre: local, delta: delta)
            if projections[k].delay.value == 0 {
                deliver(msg)
            } else {
                scheduler.schedule(msg, after: projections[k].delay)
            }
        }
        if exported[p] { exportedEvents.append(FamilyEvent(time: time, population: p, unit: Int(local), value: state[i])) }
    }

    /// Sets unit `i` to `value` from outside (a stimulus, e.g. a recorded trace
    /// driving a clamped population) and sends the change to its targets like a flip.
    public func stimulate(unit i: Int, to value: Double, at time: SimTime, scheduler: inout Scheduler<Message>) {
        let s = state[i], h = field[i]
        guard value != s else { return }
        if watched[i] != 0 {
            if s * h < 0 { trackedUnstable -= 1 }
            if value * h < 0 { trackedUnstable += 1 }
            watched[i] = value
        }
        state[i] = value
        pendingTick = nil
        broadcast(from: i, change: value - s, at: time, scheduler: &scheduler)
    }

    public func handle(_ event: Event<Message>, scheduler: inout Scheduler<Message>) {
        let msg = event.payload
        if msg.projection == Message.stimulusProjection {
            stimulate(unit: Int(msg.pre), to: msg.delta, at: event.time, scheduler: &scheduler)
        } else {
            deliver(msg)
        }
    }
}
