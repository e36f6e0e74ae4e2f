import ReverieKernel

/// Plays a `TraceSource` into a clamped population: changes up to the end of
/// each advance are queued as `.stimulus` events of the network's scheduler;
/// changes the clock has already passed (it jumped between phases) are
/// applied at once.
final class TraceStimulus {
    let source: TraceSource
    /// Index of the population's first unit.
    let base: Int
    /// Index of the next change not yet applied or queued.
    private var next = 0

    init(source: TraceSource, population: Int, network: BinaryNetwork) {
        self.source = source
        base = network.populations[population].ids.lowerBound
        network.setState(source.initialState, population: population, clamped: true)
    }

    /// Applies changes due before the network's clock and queues those up to `end`.
    func schedule(_ network: BinaryNetwork, until end: SimTime) {
        let changes = source.changes
        let now = network.now
        while next < changes.count && changes[next].time < now {
            network.stimulate(unit: base + changes[next].unit, to: changes[next].state, at: now, scheduler: &network.scheduler)
            next += 1
        }
        while next < changes.count && changes[next].time <= end {
            network.scheduler.schedule(.stimulus(unit: base + changes[next].unit, state: changes[next].state),
                                       after: changes[next].time - now, phase: .stimulus)
            next += 1
        }
    }
}
