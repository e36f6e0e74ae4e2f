import ReverieKernel

/// A network that runs on its own `Scheduler` and whose states the protocol holds
/// between phases (binary units, the dense associative memory): what their
/// `NetworkFamily` conformances share — the counters, resuming (the clock moves
/// and a relaxation begins there) and running the scheduler under the engine's
/// `AdvanceControl`.
protocol RelaxingNetwork: NetworkFamily, DiscreteEventSystem {
    var scheduler: Scheduler<Payload> { get set }
    var updates: Int { get }
    var flips: Int { get }
    var synapticEvents: Int { get }
    func beginRelaxation(at time: SimTime)
}

extension RelaxingNetwork {
    var relaxationCounters: RunCounters {
        var c = RunCounters()
        c.unitUpdates = updates
        c.stateChanges = flips
        c.synapticEvents = synapticEvents
        c.events = scheduler.eventsProcessed
        return c
    }

    func resumeRelaxation(at time: SimTime) {
        scheduler.resume(at: time)
        beginRelaxation(at: scheduler.now)
    }

    /// Runs the network's own scheduler (moved out while it runs, so the units'
    /// handlers get it as their argument and nothing else holds it).
    func runScheduler(until end: SimTime, control: inout AdvanceControl) -> StopReason {
        var s = scheduler
        scheduler = Scheduler(start: s.now)
        defer { scheduler = s }
        let before = s.eventsProcessed
        let stop = control.stop.map { f in { (_: Self) in f() } }
        let reason = s.run(self, until: end, maxEvents: control.budget, checkEvery: control.checkEvery, stop: stop)
        control.consume(s.eventsProcessed - before)
        return reason
    }
}
