import Foundation
import ReverieKernel

/// Which record kinds a recorder keeps (`--record-streams states,weights,...`).
public struct RecordStreams: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ kind: RecordKind) { rawValue = 1 << kind.rawValue }

    public static let states = RecordStreams(.state)
    public static let spikes = RecordStreams(.spike)
    public static let weights = RecordStreams(.weight)
    public static let phases = RecordStreams(.phase)
    public static let metrics = RecordStreams(.metric)
    public static let assignments = RecordStreams(.assign)
    public static let all: RecordStreams = [.states, .spikes, .weights, .phases, .metrics, .assignments]

    @inline(__always) public func contains(_ kind: RecordKind) -> Bool { rawValue & (1 << kind.rawValue) != 0 }

    /// Stream names as written in trace headers and accepted on the command line.
    public static let names: [(String, RecordKind)] = [
        ("states", .state), ("spikes", .spike), ("weights", .weight), ("phases", .phase), ("metrics", .metric),
        ("assignments", .assign),
    ]

    public static func name(of kind: RecordKind) -> String { names.first { $0.1 == kind }!.0 }

    public var names: [String] { Self.names.filter { contains($0.1) }.map(\.0) }

    /// Parses a comma-separated list such as `states,metrics` (or `all`).
    public init(parsing list: String) throws {
        var set: RecordStreams = []
        for item in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            if item == "all" { set = .all; continue }
            guard let kind = Self.names.first(where: { $0.0 == item })?.1 else {
                throw TraceError.unknownStream(item, known: Self.names.map(\.0) + ["all"])
            }
            set.insert(RecordStreams(kind))
        }
        guard !set.isEmpty else { throw TraceError.unknownStream(list, known: Self.names.map(\.0) + ["all"]) }
        self = set
    }
}
