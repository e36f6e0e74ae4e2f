/// The unit models a population can use. `family` says which network type
/// simulates it; projections connect populations of the same family.
/// To add a unit model: one file with its dynamics plus one line here.
public struct UnitModelEntry: Sendable {
    public let name: String
    public let family: String
    public let summary: String
    /// What one unit of simulated time means for this model.
    public let timeUnit: String
}

public enum UnitModelRegistry {
    public static let entries: [UnitModelEntry] = [
        UnitModelEntry(name: "binary", family: "binary",
                       summary: "±1 units, asynchronous zero-temperature or Glauber updates (science.md §1)", timeUnit: "clock period"),
        UnitModelEntry(name: "trace", family: "binary",
                       summary: "±1 units clamped to the states of a population in a recorded trace (keys: trace, source, time_offset, initial_state)",
                       timeUnit: "clock period"),
        UnitModelEntry(name: "pc", family: "predictive-coding", summary: "value/error unit pairs trained by predictive coding (science.md §5)",
                       timeUnit: "s"),
        UnitModelEntry(name: "lif", family: "spiking",
                       summary: "leaky integrate-and-fire, voltage-jump synapses, exact spike times (science.md §6; keys: tau_m, e_l, v_th, v_reset, t_ref, c_m, i_e, v_init)",
                       timeUnit: "ms"),
        UnitModelEntry(name: "poisson", family: "spiking", summary: "independent Poisson spike sources (key: rate, Hz)", timeUnit: "ms"),
        UnitModelEntry(name: "spike-times", family: "spiking", summary: "sources that all spike at the given times (key: times, ms)", timeUnit: "ms"),
        UnitModelEntry(name: "spike-trace", family: "spiking",
                       summary: "sources replaying the spikes of a population in a recorded trace (keys: trace, source, time_offset)", timeUnit: "ms"),
    ]

    public static func entry(_ name: String) -> UnitModelEntry? { entries.first { $0.name == name } }
}
