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

    /// Checks what readers rely on, for a header read from `path` in a file of
    /// format `fileVersion`: the format name and record size, and populations
    /// with unique names and disjoint id ranges inside the 32-bit id space.
    public func validate(path: String, fileVersion: UInt32) throws {
        func invalid(_ field: String, _ expected: String, _ found: String) -> TraceError {
            .invalidHeader(path: path, field: field, expected: expected, found: found)
        }
        guard format == "reverie-trace" else { throw invalid("format", "\"reverie-trace\"", "\"\(format)\"") }
        guard version == Int(fileVersion) else {
            throw invalid("version", "\(fileVersion), the file's format version", "\(version)")
        }
        guard recordSize == TraceFormat.recordSize else { throw invalid("recordSize", "\(TraceFormat.recordSize)", "\(recordSize)") }
        let idSpace = Int(UInt32.max) + 1
        var names = Set<String>()
        for (k, p) in run.populations.enumerated() {
            let field = "run.populations[\(k)]"
            guard (0...idSpace).contains(p.size), p.size <= idSpace - Int(p.firstID) else {
                throw invalid("\(field).size", "0 ... \(idSpace - Int(p.firstID)) (ids firstID ..< firstID + size fit in 32 bits)", "\(p.size)")
            }
            guard names.insert(p.name).inserted else { throw invalid("\(field).name", "a unique population name", "a second '\(p.name)'") }
        }
        let ranges = run.populations.enumerated().filter { $0.element.size > 0 }.sorted { $0.element.firstID < $1.element.firstID }
        for (a, b) in zip(ranges, ranges.dropFirst()) where Int(a.element.firstID) + a.element.size > Int(b.element.firstID) {
            throw invalid("run.populations[\(b.offset)].firstID", "ids disjoint from population '\(a.element.name)' "
                          + "(\(a.element.firstID) ..< \(Int(a.element.firstID) + a.element.size))", "\(b.element.firstID)")
        }
    }
}
