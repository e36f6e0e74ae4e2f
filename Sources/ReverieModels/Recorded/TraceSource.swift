import Foundation
import ReverieKernel
import ReverieSpec
import ReverieTraces

/// A population driven by a recorded trace (`model: trace`), like Brian2's
/// SpikeGeneratorGroup or NEST's spike_generator: its units are clamped and
/// take, at each recorded time (+ `time_offset`), the state the unit of the
/// `source` population had in the trace; each change is sent to their targets
/// as a flip would be.
///
/// ```yaml
/// - name: replayed
///   model: trace
///   size: 100
///   trace: ../traces/samples/hopfield.rvt   # relative to the model file
///   source: memory          # population in the trace (default: its only one)
///   time_offset: 0          # added to recorded times
///   initial_state: 1        # units that never change in the trace
/// ```
/// Both `state` records (changes by the dynamics) and `assign` records (states set
/// by the protocol, e.g. start states) drive the units. A unit starts in the state
/// of its first `assign` record, or else minus the value of its first change (exact
/// for ±1 units); units absent from the trace hold `initial_state`.
public struct TraceSource: Sendable {
    /// One recorded state change, with the unit's index in the driven population.
    public struct Change: Sendable, Equatable {
        public var time: SimTime
        public var unit: Int
        public var state: Double
    }

    public static let keyDocs = [
        UnitKey("trace", "", "path of a recorded trace (.rvt), relative to the model file"),
        UnitKey("source", "", "the population of the trace to play", default: "its only population"),
        UnitKey("time_offset", "", "added to the recorded times", default: "0"),
        UnitKey("initial_state", "", "the state of units that never change in the trace (±1)", default: "1"),
    ]

    public let path: String
    /// Changes in recorded order (non-decreasing time), times shifted by the offset.
    public let changes: [Change]
    /// The population's state before the first change.
    public let initialState: [Double]

    public init(node: SpecNode, size: Int, baseDirectory: URL) throws {
        let (path, file, source) = try Self.open(node, size: size, baseDirectory: baseDirectory, stream: .states, streamName: "states")
        self.path = path
        let offset = try node.double("time_offset", default: 0)
        let initial = try node.double("initial_state", default: 1)
        guard initial == 1 || initial == -1 else { throw try node.require("initial_state", "").error(expected: "1 or -1") }
        var changes: [Change] = []
        var state = [Double?](repeating: nil, count: size)
        file.forEachChunk { _, records in
            for r in records where (r.kind == .state || r.kind == .assign)
                && r.unit >= source.firstID && Int(r.unit - source.firstID) < size {
                let k = Int(r.unit - source.firstID)
                if state[k] == nil { state[k] = r.kind == .assign ? r.value : -r.value }
                changes.append(Change(time: SimTime(r.time.value + offset), unit: k, state: r.value))
            }
        }
        self.changes = changes
        initialState = state.map { $0 ?? initial }
    }

    /// Opens the trace named by `trace:` and finds the `source:` population in
    /// it, checking that it has `size` units and that `stream` was recorded.
    static func open(_ node: SpecNode, size: Int, baseDirectory: URL, stream: RecordStreams,
                     streamName: String) throws -> (path: String, file: TraceFile, source: RunDescription.Population) {
        let traceNode = try node.require("trace", "the path of a recorded trace (.rvt) to drive this population")
        let path = ModelSpec.resolve(try traceNode.string(), in: baseDirectory).path
        let file: TraceFile
        do {
            file = try TraceFile(path: path)
            try file.requireIntact()
        } catch let e as TraceError {
            throw traceNode.error(expected: "an intact Reverie trace (\(e))")
        }
        let pops = file.header.run.populations
        let sourceName: String
        if let s = node["source"] {
            sourceName = try s.choice(pops.map(\.name))
        } else {
            guard pops.count == 1 else { throw node.missing("source", "one of \(pops.map(\.name).joined(separator: ", ")) (the trace has several populations)") }
            sourceName = pops[0].name
        }
        let source = pops.first { $0.name == sourceName }!
        guard source.size == size else {
            throw try node.require("size", "").error(expected: "\(source.size), the size of population \(sourceName) in \(traceNode.shortDescription)")
        }
        guard file.header.recordedStreams.contains(stream) else {
            throw traceNode.error(expected: "a trace recorded with the \(streamName) stream")
        }
        return (path, file, source)
    }
}
