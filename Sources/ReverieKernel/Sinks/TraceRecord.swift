/// What a record reports.
public enum RecordKind: UInt8, Sendable, Codable, CaseIterable {
    /// A unit changed state: `unit`, new state in `value`.
    case state = 1
    /// A unit spiked: `unit` (value unused).
    case spike = 2
    /// A synaptic weight: `unit` = presynaptic id, `aux` = postsynaptic id, `value` = weight.
    case weight = 3
    /// A protocol phase boundary: `unit` = phase index, `aux` = 0 begin / 1 end.
    case phase = 4
    /// A measurement: `unit` = metric code (see `RunDescription.metrics`),
    /// `aux` = item index (e.g. pattern), `value` = the measured number.
    case metric = 5
    /// A unit's state was set from outside its dynamics (a clamped pattern, a
    /// start state), reported when the next relaxation begins: `unit`, state in `value`.
    /// With `state` records this lets a reader reconstruct every unit's state at any time.
    case assign = 6
}

/// The one fixed-size observation the kernel reports to sinks; trace files and
/// published messages use the same fields (see traces/FORMAT.md).
public struct TraceRecord: Sendable, Equatable, Hashable {
    public var kind: RecordKind
    public var time: SimTime
    public var unit: UInt32
    public var aux: UInt32
    public var value: Double

    @inlinable
    public init(kind: RecordKind, time: SimTime, unit: UInt32, aux: UInt32 = 0, value: Double = 0) {
        self.kind = kind; self.time = time; self.unit = unit; self.aux = aux; self.value = value
    }

    public static func state(_ id: NeuronID, _ value: Double, at time: SimTime) -> TraceRecord {
        TraceRecord(kind: .state, time: time, unit: id.rawValue, value: value)
    }
    public static func assign(_ id: NeuronID, _ value: Double, at time: SimTime) -> TraceRecord {
        TraceRecord(kind: .assign, time: time, unit: id.rawValue, value: value)
    }
    public static func spike(_ id: NeuronID, at time: SimTime) -> TraceRecord {
        TraceRecord(kind: .spike, time: time, unit: id.rawValue)
    }
    public static func weight(pre: NeuronID, post: NeuronID, _ w: Double, at time: SimTime) -> TraceRecord {
        TraceRecord(kind: .weight, time: time, unit: pre.rawValue, aux: post.rawValue, value: w)
    }
}
