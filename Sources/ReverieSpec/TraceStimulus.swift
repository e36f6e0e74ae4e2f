import ReverieKernel
import ReverieModels

/// Plays a `TraceSource` into a clamped population during a run's relaxations:
/// changes already due are applied at once, later ones within the relaxation
/// window are scheduled as `.stimulus` events.
final class TraceStimulus {
    let source: TraceSource
    /// Global id of the population's first unit.
    let base: Int
    /// Index of the next change not yet applied or scheduled.
    private var next = 0

    init(source: TraceSource, population: Int, network: BinaryNetwork) {
        self.source = source
        base = network.populations[population].ids.lowerBound
        network.setState(source.initialState, population: population, clamped: true)
    }

    /// Applies changes due before `scheduler.now` and schedules those up to `end`.
    func schedule(_ network: BinaryNetwork, into scheduler: inout Scheduler<BinaryNetwork.Message>, until end: SimTime) {
        let changes = source.changes
        while next < changes.count && changes[next].time < scheduler.now {
            network.stimulate(unit: base + changes[next].unit, to: changes[next].state, at: scheduler.now, scheduler: &scheduler)
            next += 1
        }
        var k = next
        while k < changes.count && changes[k].time <= end {
            scheduler.schedule(.stimulus(unit: NeuronID(base + changes[k].unit), state: changes[k].state),
                               after: changes[k].time - scheduler.now, phase: .stimulus)
            k += 1
        }
    }

    /// After a relaxation that stopped at `time`: changes up to `time` have been delivered.
    func advance(past time: SimTime) {
        while next < source.changes.count && source.changes[next].time <= time { next += 1 }
    }
}
