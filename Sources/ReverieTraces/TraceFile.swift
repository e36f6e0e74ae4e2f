import Foundation
import ReverieKernel

/// A trace opened for reading (inspect, verify, export, replay). Opening reads the
/// header and scans every chunk, checking both checksums and (version 2) the run
/// tag; damaged regions are listed in `damage` and every intact chunk of the run
/// stays readable, in record order.
///
/// Recovery rules (traces/FORMAT.md §2): after any damage the reader resumes at
/// the next valid chunk header; chunks of another run, repeated or overlapping
/// records are reported and skipped; chunks after the end marker are read; a
/// damaged file header is replaced by an intact header copy.
public final class TraceFile {
    /// Where one intact chunk's records lie in the file.
    public struct Chunk: Equatable, Sendable {
        /// Position among the run's record chunks with a valid chunk header, in file order.
        public var index: Int
        public var offset: Int
        public var count: Int
        public var first: UInt64
        /// Plain records (type 1) or a compact weight snapshot (types 4, 5: `TraceWeightBlock`).
        public var type: TraceChunkHeader.ChunkType = .records
        /// Payload bytes.
        public var size: Int {
            TraceChunkHeader(type: type, count: UInt32(count), payloadCRC: 0, first: first, run: 0).payloadSize
        }
    }

    public let path: String
    public let header: TraceHeader
    /// The file's format version.
    public let version: UInt32
    /// The run tag every chunk carries: CRC-32 of the JSON header (version 2), 0 in version 1.
    public let runTag: UInt32
    /// Intact chunks of this run, in record order.
    public private(set) var chunks: [Chunk] = []
    public private(set) var damage: [TraceDamage] = []
    /// The end marker was found (the recorder was closed normally).
    public private(set) var complete = false
    /// Total records the writer reported in its end marker, when present.
    public private(set) var declaredRecords: UInt64?
    /// Record chunks of this run whose header checksum is valid (intact or not).
    public private(set) var chunksSeen = 0
    public let fileSize: Int
    private let data: Data

    public var recordCount: Int { chunks.reduce(0) { $0 + $1.count } }
    public var isIntact: Bool { damage.isEmpty }

    /// Opens and scans `path`. Throws when it is not a readable regular file, not a
    /// trace, of an unknown version, or when its header is damaged without an intact copy.
    public convenience init(path: String) throws {
        try self.init(data: try FileAccess.mapForReading(path), path: path)
    }

    /// Scans trace bytes already in memory; `path` names them in messages.
    public init(data: Data, path: String) throws {
        self.path = path
        self.data = data
        fileSize = data.count
        let opened = try data.withUnsafeBytes { try Self.readHeader($0, path: path) }
        header = opened.header
        version = opened.version
        runTag = opened.runTag
        if let d = opened.damage { damage.append(d) }
        data.withUnsafeBytes { scan($0, from: opened.dataStart) }
    }

    // MARK: Header

    struct OpenedHeader {
        var header: TraceHeader
        var version: UInt32
        var runTag: UInt32
        var dataStart: Int
        var damage: TraceDamage?
    }

    static func readHeader(_ b: UnsafeRawBufferPointer, path: String) throws -> OpenedHeader {
        let size = b.count
        let magic = TraceFormat.fileMagic
        let matching = zip(b.prefix(magic.count), magic).filter { $0 == $1 }.count
        let hasMagic = matching == magic.count
        /// The first intact header copy instead of a damaged header, or `error`.
        func copy(_ reason: String, else error: TraceError) throws -> OpenedHeader {
            guard let c = findHeaderCopy(b, path: path) else { throw error }
            // Chunks start at the first valid chunk header after the damaged header.
            let start = nextChunkHeader(b.baseAddress!, size: size, from: hasMagic ? TraceFormat.filePreambleSize : 0)
            return OpenedHeader(header: c.header, version: UInt32(c.header.version), runTag: c.tag, dataStart: start,
                                damage: TraceDamage(kind: .damagedHeader(reason: reason, copyOffset: c.offset), offset: 0))
        }
        // A magic with a byte or two damaged is a damaged trace; anything else is not a trace
        // (and is not searched for header copies).
        guard hasMagic else {
            guard matching >= magic.count - 2 else { throw TraceError.notATrace(path: path) }
            return try copy("its magic is damaged", else: .notATrace(path: path))
        }
        guard size >= TraceFormat.filePreambleSize else { throw TraceError.truncatedHeader(path: path, size: size) }
        let p = b.baseAddress!
        let version = p.loadLE32(at: 8)
        guard TraceFormat.readableVersions.contains(version) else {
            return try copy("its version field reads \(version)", else: .unsupportedVersion(path: path, found: version))
        }
        let length = Int(p.loadLE32(at: 12))
        let end = TraceFormat.filePreambleSize + length
        guard size >= end + 4 else {
            return try copy("the file ends inside it", else: .truncatedHeader(path: path, size: size))
        }
        let json = UnsafeRawBufferPointer(rebasing: b[TraceFormat.filePreambleSize..<end])
        let crc = CRC32.checksum(p + TraceFormat.filePreambleSize, count: length)
        guard crc == p.loadLE32(at: end) else {
            return try copy("header checksum mismatch", else: .damagedHeader(path: path, reason: "header checksum mismatch"))
        }
        let header: TraceHeader
        do { header = try TraceHeader.decode(json) } catch {
            return try copy("header JSON does not decode",
                            else: .damagedHeader(path: path, reason: "header JSON does not decode (\(error))"))
        }
        try header.validate(path: path, fileVersion: version)
        return OpenedHeader(header: header, version: version, runTag: version >= 2 ? crc : 0, dataStart: end + 4, damage: nil)
    }

    /// The first header-copy chunk whose checksums match and whose JSON decodes
    /// and validates, with its run tag and offset (version 2 files only).
    static func findHeaderCopy(_ b: UnsafeRawBufferPointer, path: String) -> (header: TraceHeader, tag: UInt32, offset: Int)? {
        guard let p = b.baseAddress else { return nil }
        var q = 0
        while true {
            q = nextChunkHeader(p, size: b.count, from: q)
            guard q < b.count else { return nil }
            defer { q += 1 }
            guard let h = TraceChunkHeader.read(p + q), h.type == .headerCopy else { continue }
            let body = q + TraceFormat.chunkHeaderSize
            guard h.payloadSize <= b.count - body, CRC32.checksum(p + body, count: h.payloadSize) == h.payloadCRC else { continue }
            var length = h.payloadSize
            while length > 0 && p.load(fromByteOffset: body + length - 1, as: UInt8.self) == 0 { length -= 1 }
            guard CRC32.checksum(p + body, count: length) == h.run,
                  let header = try? TraceHeader.decode(UnsafeRawBufferPointer(start: p + body, count: length)),
                  header.version >= 2, TraceFormat.readableVersions.contains(UInt32(header.version)),
                  (try? header.validate(path: path, fileVersion: UInt32(header.version))) != nil else { continue }
            return (header, h.run, q)
        }
    }

    // MARK: Chunks

    private func scan(_ b: UnsafeRawBufferPointer, from start: Int) {
        guard let p = b.baseAddress else { return }
        let size = b.count
        let hs = TraceFormat.chunkHeaderSize
        var pos = start
        var found: [Chunk] = []
        var covered = RecordRanges()
        /// Ranges of damaged chunks whose (checksummed) headers were valid: reported already.
        var accounted = RecordRanges()
        var highest: UInt64 = 0
        var endOffset: Int?
        var afterEnd: (chunks: Int, records: Int, offset: Int) = (0, 0, 0)
        var firstOffset: [UInt64: Int] = [:]

        func report(_ kind: TraceDamage.Kind, at offset: Int) {
            if let last = damage.last, last.offset <= offset {
                switch (last.kind, kind) {
                case let (.foreignChunks(c, r, run), .foreignChunks(c2, r2, run2)) where run == run2:
                    damage[damage.count - 1].kind = .foreignChunks(count: c + c2, records: r + r2, run: run); return
                case let (.duplicateRecords(from, to), .duplicateRecords(from2, to2)) where to == from2:
                    damage[damage.count - 1].kind = .duplicateRecords(from: from, to: to2); return
                default: break
                }
            }
            damage.append(TraceDamage(kind: kind, offset: offset))
        }

        while pos < size {
            guard size - pos >= hs, let h = TraceChunkHeader.read(p + pos) else {
                if size - pos < hs && TraceChunkHeader.hasMagicPrefix(p + pos, available: size - pos) {
                    report(.truncated(missingBytes: hs - (size - pos)), at: pos)
                    break
                }
                let next = Self.nextChunkHeader(p, size: size, from: pos + 1)
                let magic = TraceFormat.fileMagic
                if next - pos >= magic.count && UnsafeRawBufferPointer(start: p + pos, count: magic.count).elementsEqual(magic) {
                    report(.anotherTrace(count: next - pos), at: pos)
                } else if complete && next == size {
                    report(.trailingBytes(count: next - pos), at: pos)
                } else {
                    report(.unreadableBytes(count: next - pos), at: pos)
                }
                pos = next
                continue
            }
            let body = pos + hs
            let end = body + h.payloadSize
            let payloadFits = h.payloadSize <= size - body
            let intact = payloadFits && CRC32.checksum(p + body, count: h.payloadSize) == h.payloadCRC
            // Where to go on after an unusable chunk: its end if a chunk header (or the end of
            // the file) is there, else the next valid chunk header (bytes were lost or inserted).
            let resume = payloadFits && (end == size || (size - end >= hs && TraceChunkHeader.read(p + end) != nil))
                ? end : Self.nextChunkHeader(p, size: size, from: pos + 1)
            if h.run != runTag {
                report(.foreignChunks(count: 1, records: h.type.holdsRecords ? Int(h.count) : 0, run: h.run), at: pos)
                pos = intact ? end : resume
                continue
            }
            if h.type.holdsRecords { chunksSeen += 1 }
            let index = chunksSeen - 1
            guard intact else {
                if !payloadFits && resume == size {
                    report(.truncated(missingBytes: end - size), at: pos)
                    break
                }
                if h.type.holdsRecords {
                    report(.payloadChecksum(chunk: index, records: Int(h.count)), at: pos)
                    let (last, overflow) = h.first.addingReportingOverflow(UInt64(h.count))
                    if !overflow { accounted.insert(h.first..<last) }
                } else {
                    report(h.type == .headerCopy ? .headerCopyChecksum : .unreadableBytes(count: resume - pos), at: pos)
                }
                pos = resume
                continue
            }
            pos = end
            switch h.type {
            case .headerCopy:
                continue
            case .end:
                if complete { report(.extraEndMarker(declared: h.first), at: body - hs) }
                else { complete = true; declaredRecords = h.first; endOffset = body - hs }
                continue
            case .records, .weightGrid, .weightPairs:
                break
            }
            let count = Int(h.count)
            let (last, overflow) = h.first.addingReportingOverflow(UInt64(count))
            guard !overflow else { report(.indexOverflow(chunk: index), at: body - hs); continue }
            let valid = h.type.isWeights
                ? TraceWeightBlock.decode(UnsafeRawBufferPointer(start: p + body, count: h.payloadSize), count: count,
                                          grid: h.type == .weightGrid) != nil
                : (0..<count).allSatisfy({ TraceFormat.decode(from: p + body + $0 * TraceFormat.recordSize) != nil })
            guard valid else {
                report(.invalidRecords(chunk: index), at: body - hs)
                accounted.insert(h.first..<last)
                continue
            }
            guard count > 0 else { continue }
            let range = h.first..<last
            if covered.overlaps(range) {
                report(covered.contains(range) ? .duplicateRecords(from: range.lowerBound, to: range.upperBound)
                                               : .overlappingRecords(from: range.lowerBound, to: range.upperBound), at: body - hs)
                continue
            }
            if range.lowerBound < highest { report(.outOfOrder(from: range.lowerBound, to: range.upperBound), at: body - hs) }
            if complete {
                if afterEnd.chunks == 0 { afterEnd.offset = body - hs }
                afterEnd.chunks += 1; afterEnd.records += count
            }
            covered.insert(range)
            highest = max(highest, last)
            firstOffset[range.lowerBound] = body - hs
            found.append(Chunk(index: index, offset: body, count: count, first: h.first, type: h.type))
        }
        if afterEnd.chunks > 0 { report(.afterEndMarker(chunks: afterEnd.chunks, records: afterEnd.records), at: afterEnd.offset) }
        if let declared = declaredRecords, declared < highest {
            report(.endMarkerMismatch(declared: declared, found: highest), at: endOffset ?? size)
        }
        var known = covered
        for r in accounted.ranges { known.insert(r) }
        for gap in known.gaps(in: 0..<max(declaredRecords ?? 0, highest)) {
            report(.missingRecords(from: gap.lowerBound, to: gap.upperBound), at: firstOffset[gap.upperBound] ?? endOffset ?? size)
        }
        if !complete { report(.noEndMarker, at: size) }
        chunks = found.sorted { $0.first < $1.first }
        damage = damage.enumerated().sorted { ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset) }.map(\.element)
    }

    /// The first offset at or after `start` holding a valid chunk header (or `size`).
    static func nextChunkHeader(_ p: UnsafeRawPointer, size: Int, from start: Int) -> Int {
        var q = max(start, 0)
        let first = TraceFormat.chunkMagic[0]
        while q + TraceFormat.chunkHeaderSize <= size {
            if p.load(fromByteOffset: q, as: UInt8.self) == first && TraceChunkHeader.read(p + q) != nil { return q }
            q += 1
        }
        return size
    }

    // MARK: Records

    /// The records of one intact chunk.
    public func records(_ chunk: Chunk) -> [TraceRecord] {
        data.withUnsafeBytes { b in
            // Validated during the scan, so decoding cannot fail.
            if chunk.type.isWeights {
                return TraceWeightBlock.decode(UnsafeRawBufferPointer(start: b.baseAddress! + chunk.offset, count: chunk.size),
                                               count: chunk.count, grid: chunk.type == .weightGrid) ?? []
            }
            return (try? TraceFormat.decode(chunk.count, from: b.baseAddress! + chunk.offset)) ?? []
        }
    }

    /// Calls `body` with each intact chunk's records, in record order.
    public func forEachChunk(_ body: (Chunk, [TraceRecord]) throws -> Void) rethrows {
        for c in chunks { try body(c, records(c)) }
    }

    /// All records of the intact chunks, in record order.
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
