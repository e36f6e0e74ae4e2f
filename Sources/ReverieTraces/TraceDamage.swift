/// One problem found while scanning a trace's chunks.
public struct TraceDamage: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// A chunk header with a valid checksum whose records do not match their checksum.
        case payloadChecksum(chunk: Int, records: Int)
        /// A chunk whose records are not all valid (unknown kind or non-zero padding).
        case invalidRecords(chunk: Int)
        /// Bytes that are not a valid chunk header; reading resumed at the next valid one.
        case unreadableBytes(count: Int)
        /// The file ends inside a chunk (e.g. the run was killed while writing).
        case truncated(missingBytes: Int)
        /// Records numbered `expected..<found` are not in the file.
        case missingRecords(expected: UInt64, found: UInt64)
        /// No end marker: the recorder was not closed (killed or crashed run).
        case noEndMarker
        /// Bytes after the end marker.
        case trailingBytes(count: Int)
    }
    public var kind: Kind
    /// Byte offset where the problem starts.
    public var offset: Int

    public var description: String {
        let at = "at byte \(offset)"
        switch kind {
        case let .payloadChecksum(chunk, records):
            return "chunk \(chunk) \(at): checksum mismatch, its \(records) records are skipped"
        case let .invalidRecords(chunk): return "chunk \(chunk) \(at): invalid record kind or padding, chunk skipped"
        case let .unreadableBytes(count): return "\(count) unreadable bytes \(at) (no valid chunk header), skipped"
        case let .truncated(missing): return "file ends inside a chunk \(at) (\(missing) bytes missing)"
        case let .missingRecords(expected, found):
            return "records \(expected)..<\(found) are missing before the chunk \(at)"
        case .noEndMarker: return "no end marker \(at): the run did not close the trace (killed or crashed?)"
        case let .trailingBytes(count): return "\(count) bytes after the end marker \(at)"
        }
    }
}
