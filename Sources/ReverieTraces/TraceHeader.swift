import Foundation
import ReverieKernel

/// The JSON header of a trace: what was run (model text, seed, populations,
/// phase and metric names) and which record streams were kept.
public struct TraceHeader: Codable, Equatable, Sendable {
    public var format: String
    public var version: Int
    public var recordSize: Int
    public var streams: [String]
    public var run: RunDescription

    public init(run: RunDescription, streams: RecordStreams) {
        format = "reverie-trace"
        version = Int(TraceFormat.version)
        recordSize = TraceFormat.recordSize
        self.streams = streams.names
        self.run = run
    }

    /// Deterministic JSON (sorted keys), so equal runs give equal bytes.
    public func encoded() throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return Array(try e.encode(self))
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> TraceHeader {
        let d = JSONDecoder()
        return try d.decode(TraceHeader.self, from: Data(bytes))
    }

    public var recordedStreams: RecordStreams {
        (try? RecordStreams(parsing: streams.joined(separator: ","))) ?? []
    }
}

extension RunDescription {
    /// Index of the population holding global unit id `unit`, if any.
    public func populationIndex(of unit: UInt32) -> Int? {
        populations.firstIndex { unit >= $0.firstID && Int(unit - $0.firstID) < $0.size }
    }
}
