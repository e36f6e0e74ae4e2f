/// What the units of a spiking population are.
public enum SpikingUnitKind: Sendable, Equatable {
    /// Leaky integrate-and-fire units with voltage-jump synapses (`LIFParameters`).
    case lif(LIFParameters)
    /// Leaky integrate-and-fire units with exponential synaptic currents (`LIFExpParameters`).
    case lifExp(LIFExpParameters)
    /// Independent Poisson spike sources firing at `rate` Hz.
    case poisson(rate: Double)
    /// Sources that each spike at the given times (ms, sorted).
    case spikeTimes([Double])
    /// Sources replaying a recorded spike train: (time, unit) in time order.
    case spikeTrain([RecordedSpike])

    public var lif: LIFParameters? { if case .lif(let p) = self { p } else { nil } }
    public var lifExp: LIFExpParameters? { if case .lifExp(let p) = self { p } else { nil } }
    /// Whether the units integrate input (either LIF kind) rather than emit given spikes.
    public var isLIF: Bool { lif != nil || lifExp != nil }
    /// The refractory period of LIF units (nil for sources).
    public var refractoryPeriod: Double? { lif?.tRef ?? lifExp?.tRef }

    public var name: String {
        switch self {
        case .lif: "lif"
        case .lifExp: "lif-exp"
        case .poisson: "poisson"
        case .spikeTimes: "spike-times"
        case .spikeTrain: "spike-trace"
        }
    }
}

/// One spike of a recorded train: the unit's index in its population.
public struct RecordedSpike: Sendable, Equatable {
    public var time: Double
    public var unit: Int
    public init(time: Double, unit: Int) { self.time = time; self.unit = unit }
}

/// A named range of units in a `SpikingNetwork`.
public struct SpikingPopulation: Sendable {
    public var name: String
    public var kind: SpikingUnitKind
    /// Index of the first unit in the network's arrays.
    public var first: Int
    public var size: Int

    public init(name: String, kind: SpikingUnitKind, first: Int, size: Int) {
        self.name = name; self.kind = kind; self.first = first; self.size = size
    }

    public var range: Range<Int> { first..<(first + size) }
    public var lif: LIFParameters? { kind.lif }
    public var lifExp: LIFExpParameters? { kind.lifExp }
}
