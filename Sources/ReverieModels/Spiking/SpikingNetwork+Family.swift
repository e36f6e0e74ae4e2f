import ReverieKernel

/// The spiking network as a family of the engine: it advances in whole
/// min-delay slots, so an advance to `end` ends at the first slot boundary ≥ `end`.
extension SpikingNetwork: NetworkFamily {
    public var layout: [RunDescription.Population] {
        populations.map { .init(name: $0.name, model: $0.kind.name, firstID: firstID + UInt32($0.first), size: $0.size) }
    }

    public var now: SimTime { SimTime(time) }

    public var counters: RunCounters {
        var c = RunCounters()
        c.spikes = spikes
        c.synapticEvents = allSynapticEvents
        c.events = c.synapticEvents
        return c
    }

    /// Spiking units evolve by themselves: the gap is simulated when next advanced.
    public func resume(at time: SimTime) {}

    public func advance(until end: SimTime, control: inout AdvanceControl) -> StopReason {
        let last = end.value.isFinite ? Int((end.value / slotWidth - 1e-9).rounded(.up)) : Int.max
        defer { if isSharded { reportShardSpikes() } }
        while slot < last {
            if !end.value.isFinite && isQuiescent { return .quiescent }
            let before = allSynapticEvents
            step()
            control.consume(allSynapticEvents - before)
            if let progress = control.progress, slot & 1023 == 0 { progress(now) }
            if let stop = control.stop {
                if isSharded { reportShardSpikes() }
                if stop() { return .condition }
            }
            if control.budget == 0 { return .eventLimit }
        }
        return .timeLimit
    }

    /// Nothing queued, no source with spikes left, no unit driven above threshold
    /// (of any shard, in any process).
    var isQuiescent: Bool {
        guard let exchange else { return ownUnitsAreQuiescent }
        return exchange.all(ownUnitsAreQuiescent)  // every process asks at the same slots
    }

    private var ownUnitsAreQuiescent: Bool {
        guard remoteQueue.count == 0 && remoteArrivals.isEmpty else { return false }
        for s in sources where !s.isExhausted { return false }
        for net in [self] + peers {
            guard net.queue.count == 0 && net.queuedNow.isEmpty else { return false }
            for (p, units) in zip(populations, net.owned) {
                if let lif = p.lif, lif.vInfinity > lif.vTh { return false }
                if let e = p.lifExp, !net.currentsAreQuiescent(units, e) { return false }
            }
        }
        return true
    }

    /// Runs whole slots until the clock reaches `end` (rounded up to a slot boundary).
    public func run(until end: Double) {
        var control = AdvanceControl()
        _ = advance(until: SimTime(end), control: &control)
    }

    /// Reports the weights of every plastic projection (static weights are given
    /// by the model file and the connectivity drawn from the seed).
    public func emitWeights(at time: SimTime) {
        for k in projections.indices where projections[k].plasticity != nil { emitWeights(of: k) }
    }

    public func exportEvents(of population: Int) { exported[population] = true }

    public func takeExportedEvents() -> [FamilyEvent] {
        defer { exportedEvents.removeAll(keepingCapacity: true) }
        return exportedEvents
    }
}
