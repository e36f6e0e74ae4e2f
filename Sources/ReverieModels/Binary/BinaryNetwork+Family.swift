import ReverieKernel

/// The binary network as a family of the engine: its clock is its scheduler's.
extension BinaryNetwork: NetworkFamily {
    public var layout: [RunDescription.Population] {
        populations.map { .init(name: $0.name, model: $0.model, firstID: firstID + UInt32($0.ids.lowerBound), size: $0.size) }
    }

    public var counters: RunCounters {
        var c = RunCounters()
        c.unitUpdates = updates
        c.stateChanges = flips
        c.synapticEvents = synapticEvents
        c.events = scheduler.eventsProcessed
        return c
    }

    /// The protocol holds the states between phases: the clock moves to `time`
    /// and a relaxation begins there (new sweep, assignments reported).
    public func resume(at time: SimTime) {
        scheduler.resume(at: time)
        beginRelaxation(at: scheduler.now)
    }

    public func advance(until end: SimTime, control: inout AdvanceControl) -> StopReason {
        for s in stimuli { s.schedule(self, until: end) }
        return runScheduler(until: end, control: &control)
    }

    /// Runs the network's own scheduler (moved out while it runs, so the units'
    /// handlers get it as their argument and nothing else holds it).
    func runScheduler(until end: SimTime, control: inout AdvanceControl) -> StopReason {
        var s = scheduler
        scheduler = Scheduler(start: s.now)
        defer { scheduler = s }
        let before = s.eventsProcessed
        let stop = control.stop.map { f in { (_: BinaryNetwork) in f() } }
        let reason = s.run(self, until: end, maxEvents: control.budget, checkEvery: control.checkEvery, stop: stop)
        control.consume(s.eventsProcessed - before)
        return reason
    }

    public func emitWeights(at time: SimTime) {
        for k in projections.indices { emitWeights(projection: k, at: time) }
    }

    public func exportEvents(of population: Int) { exported[population] = true }

    public func takeExportedEvents() -> [FamilyEvent] {
        defer { exportedEvents.removeAll(keepingCapacity: true) }
        return exportedEvents
    }
}
