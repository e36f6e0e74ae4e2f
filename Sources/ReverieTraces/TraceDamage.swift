/// One problem found while scanning a trace's chunks.
public struct TraceDamage: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// The file header is damaged; the header copy at `copyOffset` was used.
        case damagedHeader(reason: String, copyOffset: Int)
        /// A chunk header with a valid checksum whose records do not match their checksum.
        case payloadChecksum(chunk: Int, records: Int)
        /// A header copy whose payload does not match its checksum; skipped.
        case headerCopyChecksum
        /// A chunk whose records are not all valid (unknown kind, non-zero padding or non-finite time).
        case invalidRecords(chunk: Int)
        /// A chunk whose record indices `first ..< first + count` do not fit in 64 bits.
        case indexOverflow(chunk: Int)
        /// Bytes that are not a valid chunk header; reading resumed at the next valid one.
        case unreadableBytes(count: Int)
        /// Bytes starting with another trace's file header (e.g. two traces concatenated).
        case anotherTrace(count: Int)
        /// The file ends inside a chunk (e.g. the run was killed while writing).
        case truncated(missingBytes: Int)
        /// Records numbered `from ..< to` are not in the file (`from < to`).
        case missingRecords(from: UInt64, to: UInt64)
        /// A chunk repeating records `from ..< to` that were already read; skipped.
        case duplicateRecords(from: UInt64, to: UInt64)
        /// A chunk whose records `from ..< to` overlap records already read without repeating them; skipped.
        case overlappingRecords(from: UInt64, to: UInt64)
        /// A chunk holding records `from ..< to` after later ones (moved); read in record order.
        case outOfOrder(from: UInt64, to: UInt64)
        /// Chunks whose run tag is not this trace's (`run`): another run's data; skipped.
        case foreignChunks(count: Int, records: Int, run: UInt32)
        /// Intact chunks of this run after the end marker (the marker was moved or written early); read.
        case afterEndMarker(chunks: Int, records: Int)
        /// A second end marker.
        case extraEndMarker(declared: UInt64)
        /// The end marker declares fewer records than the chunks hold.
        case endMarkerMismatch(declared: UInt64, found: UInt64)
        /// No end marker: the recorder was not closed (killed or crashed run).
        case noEndMarker
        /// Bytes after the end marker that hold no chunk.
        case trailingBytes(count: Int)
    }
    public var kind: Kind
    /// Byte offset where the problem starts.
    public var offset: Int

    public init(kind: Kind, offset: Int) {
        self.kind = kind; self.offset = offset
    }

    public var description: String {
        let at = "at byte \(offset)"
        switch kind {
        case let .damagedHeader(reason, copy):
            return "the file header is damaged (\(reason)); its copy at byte \(copy) is intact and was used"
        case let .payloadChecksum(chunk, records):
            return "chunk \(chunk) \(at): checksum mismatch, its \(records) records are skipped"
        case .headerCopyChecksum: return "header copy \(at): checksum mismatch, skipped"
        case let .invalidRecords(chunk):
            return "chunk \(chunk) \(at): invalid record kind, padding or time, chunk skipped"
        case let .indexOverflow(chunk):
            return "chunk \(chunk) \(at): its record indices run past 2^64, chunk skipped"
        case let .unreadableBytes(count): return "\(count) unreadable bytes \(at) (no valid chunk header), skipped"
        case let .anotherTrace(count):
            return "\(count) bytes \(at) start with another trace's file header (traces concatenated?), skipped"
        case let .truncated(missing): return "file ends inside a chunk \(at) (\(missing) bytes missing)"
        case let .missingRecords(from, to):
            return "records \(from)..<\(to) (\(to - from) records) are missing before byte \(offset)"
        case let .duplicateRecords(from, to):
            return "chunk \(at) repeats records \(from)..<\(to), already read: skipped"
        case let .overlappingRecords(from, to):
            return "chunk \(at) holds records \(from)..<\(to), overlapping records already read: skipped"
        case let .outOfOrder(from, to):
            return "chunk \(at) holds records \(from)..<\(to) after later records (moved?): read in record order"
        case let .foreignChunks(count, records, run):
            return "\(count) chunks (\(records) records) from \(at) belong to another run (tag \(String(run, radix: 16))): skipped"
        case let .afterEndMarker(chunks, records):
            return "\(chunks) intact chunks (\(records) records) follow the end marker, from \(at): read"
        case let .extraEndMarker(declared): return "a second end marker \(at) (declaring \(declared) records)"
        case let .endMarkerMismatch(declared, found):
            return "the end marker declares \(declared) records but the chunks hold records up to \(found)"
        case .noEndMarker: return "no end marker \(at): the run did not close the trace (killed or crashed?)"
        case let .trailingBytes(count): return "\(count) bytes after the end marker \(at)"
        }
    }
}
