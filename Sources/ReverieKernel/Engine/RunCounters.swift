/// What a network has done, in counts every family reports the same way; the
/// run summary sums them over families.
public struct RunCounters: Sendable, Equatable {
    /// Updates of units that could change state (binary clock ticks that were
    /// not skipped exactly; see `BinaryNetwork`).
    public var unitUpdates = 0
    /// Units that changed state (binary flips).
    public var stateChanges = 0
    /// Spikes (sources included).
    public var spikes = 0
    /// Deliveries to synapses: binary Δs, spike arrivals, predictive-coding receptions.
    public var synapticEvents = 0
    /// Events the family's loop processed (queued deliveries and spontaneous
    /// updates; spike arrivals at synapses for spiking families).
    public var events = 0

    public init() {}

    public static func + (a: RunCounters, b: RunCounters) -> RunCounters {
        var c = a
        c.unitUpdates += b.unitUpdates; c.stateChanges += b.stateChanges; c.spikes += b.spikes
        c.synapticEvents += b.synapticEvents; c.events += b.events
        return c
    }

    public static func - (a: RunCounters, b: RunCounters) -> RunCounters {
        var c = a
        c.unitUpdates -= b.unitUpdates; c.stateChanges -= b.stateChanges; c.spikes -= b.spikes
        c.synapticEvents -= b.synapticEvents; c.events -= b.events
        return c
    }
}
