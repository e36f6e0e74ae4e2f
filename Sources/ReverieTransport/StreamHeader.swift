import ReverieKernel
import ReverieTraces

/// The second frame of every stream message (traces/FORMAT.md §4), 24 bytes:
/// `version u32, count u32, seq u64, first u64`, little-endian.
public struct StreamHeader: Equatable, Sendable {
    public static let size = 24
    /// The stream layout's version (independent of the trace file's).
    public static let currentVersion: UInt32 = 1
    public var version: UInt32 = Self.currentVersion
    /// Records in the payload.
    public var count: UInt32
    /// Message number on this topic, from 0; a jump means dropped messages.
    public var seq: UInt64
    /// Records of this topic sent before this message.
    public var first: UInt64

    public init(count: UInt32, seq: UInt64, first: UInt64) {
        self.count = count; self.seq = seq; self.first = first
    }

    public var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.size)
        b.withUnsafeMutableBytes { p in
            p.storeBytes(of: version.littleEndian, toByteOffset: 0, as: UInt32.self)
            p.storeBytes(of: count.littleEndian, toByteOffset: 4, as: UInt32.self)
            p.storeBytes(of: seq.littleEndian, toByteOffset: 8, as: UInt64.self)
            p.storeBytes(of: first.littleEndian, toByteOffset: 16, as: UInt64.self)
        }
        return b
    }

    public init(bytes: [UInt8]) throws {
        guard bytes.count == Self.size else {
            throw TransportError.malformedMessage("header frame has \(bytes.count) bytes, expected \(Self.size)")
        }
        (version, count, seq, first) = bytes.withUnsafeBytes { p in
            (UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt32.self)),
             UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
             UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
             UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
        }
        guard version == Self.currentVersion else {
            throw TransportError.malformedMessage("stream version \(version); this reverie reads version \(Self.currentVersion)")
        }
    }
}

/// Stream topics: one per record kind, plus the run description and the end summary.
public enum StreamTopic {
    public static let prefix = "rv."
    public static let run = "rv.run"
    public static let end = "rv.end"
    public static func records(_ kind: RecordKind) -> String { prefix + "\(kind)" }
    public static let recordTopics: [String] = RecordKind.allCases.map(records)
    public static func kind(of topic: String) -> RecordKind? { RecordKind.allCases.first { records($0) == topic } }
}
