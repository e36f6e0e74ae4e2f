import ReverieKernel

/// The binary network as a family of the engine: its clock is its scheduler's.
extension BinaryNetwork: RelaxingNetwork {
    public var layout: [RunDescription.Population] {
        populations.map { .init(name: $0.name, model: $0.model, firstID: firstID + UInt32($0.ids.lowerBound), size: $0.size) }
    }

    public var counters: RunCounters { relaxationCounters }

    /// The protocol holds the states between phases: the clock moves to `time`
    /// and a relaxation begins there (new sweep, assignments reported).
    public func resume(at time: SimTime) { resumeRelaxation(at: time) }

    public func advance(until end: SimTime, control: inout AdvanceControl) -> StopReason {
        for s in stimuli { s.schedule(self, until: end) }
        return runScheduler(until: end, control: &control)
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
