import Foundation
import ReverieKernel

/// A trace opened for reading (inspect, verify, export, replay). Opening reads the
/// header and scans every chunk, checking both checksums; damaged regions are
/// listed in `damage` and every intact chunk stays readable, in file order.
public final class TraceFile {
    /// Where one intact chunk's records lie in the file.
    public struct Chunk: Equatable, Sendable {
        public var index: Int
        public var offset: Int
        public var count: Int
        public var first: UInt64
    }

    public let path: String
    public let header: TraceHeader
    public private(set) var chunks: [Chunk] = []
    public private(set) var damage: [TraceDamage] = []
    /// The end marker was found (the recorder was closed normally).
    public private(set) var complete = false
    /// Total records the writer reported in its end marker, when present.
    public private(set) var declaredRecords: UInt64?
    /// Record chunks whose header checksum is valid (intact or not).
    public private(set) var chunksSeen = 0
    public let fileSize: Int
    private let data: Data

    public var recordCount: Int { chunks.reduce(0) { $0 + $1.count } }
    public var isIntact: Bool { damage.isEmpty }

    public init(path: String) throws {
        self.path = path
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            throw TraceError.cannotOpen(path: path, reason: FileManager.default.fileExists(atPath: path)
                                        ? reason : "no such file")
        }
        fileSize = data.count
        let (header, dataStart) = try data.withUnsafeBytes { try Self.readHeader($0, path: path) }
        self.header = header
        data.withUnsafeBytes { scan($0, from: dataStart) }
    }

    static func readHeader(_ b: UnsafeRawBufferPointer, path: String) throws -> (TraceHeader, Int) {
        let magic = TraceFormat.fileMagic
        guard b.count >= magic.count, Array(b[0..<magic.count]) == magic else {
            throw TraceError.notATrace(path: path)
        }
        guard b.count >= TraceFormat.filePreambleSize else { throw TraceError.truncatedHeader(path: path, size: b.count) }
        let p = b.baseAddress!
        let version = p.loadLE32(at: 8)
        guard version == TraceFormat.version else { throw TraceError.unsupportedVersion(path: path, found: version) }
        let length = Int(p.loadLE32(at: 12))
        let end = TraceFormat.filePreambleSize + length
        guard b.count >= end + 4 else { throw TraceError.truncatedHeader(path: path, size: b.count) }
        let json = UnsafeRawBufferPointer(rebasing: b[TraceFormat.filePreambleSize..<end])
        guard CRC32.checksum(json.baseAddress!, count: length) == p.loadLE32(at: end) else {
            throw TraceError.damagedHeader(path: path, reason: "header checksum mismatch")
        }
        do {
            return (try TraceHeader.decode(json), end + 4)
        } catch {
            throw TraceError.damagedHeader(path: path, reason: "header JSON does not decode (\(error))")
        }
    }

    private func scan(_ b: UnsafeRawBufferPointer, from start: Int) {
        let p = b.baseAddress!
        let size = b.count
        let hs = TraceFormat.chunkHeaderSize
        var pos = start
        var expected: UInt64 = 0
        while pos < size {
            if complete { damage.append(TraceDamage(kind: .trailingBytes(count: size - pos), offset: pos)); return }
            guard size - pos >= hs, let h = TraceChunkHeader.read(p + pos) else {
                if size - pos < hs && TraceChunkHeader.hasMagicPrefix(p + pos, available: size - pos) {
                    damage.append(TraceDamage(kind: .truncated(missingBytes: hs - (size - pos)), offset: pos))
                    break
                }
                let next = nextChunkHeader(p, size: size, after: pos)
                damage.append(TraceDamage(kind: .unreadableBytes(count: next - pos), offset: pos))
                pos = next
                continue
            }
            if h.type == .end {
                complete = true
                declaredRecords = h.first
                pos += hs
                continue
            }
            let index = chunksSeen
            chunksSeen += 1
            let body = pos + hs
            if body + h.payloadSize > size {
                damage.append(TraceDamage(kind: .truncated(missingBytes: body + h.payloadSize - size), offset: pos))
                break
            }
            guard CRC32.checksum(p + body, count: h.payloadSize) == h.payloadCRC else {
                damage.append(TraceDamage(kind: .payloadChecksum(chunk: index, records: Int(h.count)), offset: pos))
                expected = h.first + UInt64(h.count)
                pos = body + h.payloadSize
                continue
            }
            guard (0..<Int(h.count)).allSatisfy({ TraceFormat.decode(from: p + body + $0 * TraceFormat.recordSize) != nil }) else {
                damage.append(TraceDamage(kind: .invalidRecords(chunk: index), offset: pos))
                expected = h.first + UInt64(h.count)
                pos = body + h.payloadSize
                continue
            }
            if h.first != expected {
                damage.append(TraceDamage(kind: .missingRecords(expected: expected, found: h.first), offset: pos))
            }
            chunks.append(Chunk(index: index, offset: body, count: Int(h.count), first: h.first))
            expected = h.first + UInt64(h.count)
            pos = body + h.payloadSize
        }
        if !complete { damage.append(TraceDamage(kind: .noEndMarker, offset: size)) }
        else if let declared = declaredRecords, declared != expected {
            damage.append(TraceDamage(kind: .missingRecords(expected: expected, found: declared), offset: size))
        }
    }

    /// The first offset after `pos` holding a valid chunk header (or the file size).
    private func nextChunkHeader(_ p: UnsafeRawPointer, size: Int, after pos: Int) -> Int {
        var q = pos + 1
        while q + TraceFormat.chunkHeaderSize <= size {
            if TraceChunkHeader.read(p + q) != nil { return q }
            q += 1
        }
        return size
    }

    /// The records of one intact chunk.
    public func records(_ chunk: Chunk) -> [TraceRecord] {
        data.withUnsafeBytes { b in
            // Validated during the scan, so decoding cannot fail.
            (try? TraceFormat.decode(chunk.count, from: b.baseAddress! + chunk.offset)) ?? []
        }
    }

    /// Calls `body` with each intact chunk's records, in file order.
    public func forEachChunk(_ body: (Chunk, [TraceRecord]) throws -> Void) rethrows {
        for c in chunks { try body(c, records(c)) }
    }

    /// All records of the intact chunks, in file order.
    public func allRecords() -> [TraceRecord] {
        var out: [TraceRecord] = []
        out.reserveCapacity(recordCount)
        for c in chunks { out += records(c) }
        return out
    }

    /// Throws a summary of the damage unless the trace is intact.
    public func requireIntact() throws {
        guard let first = damage.first else { return }
        let more = damage.count > 1 ? " (and \(damage.count - 1) more problems)" : ""
        throw TraceError.damaged(path: path, summary: first.description + more)
    }
}
