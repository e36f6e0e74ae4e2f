#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ReverieKernel

/// Appends a trace file: header and a header copy, then one checksummed chunk per
/// `append` call, each handed to the kernel with a single `write(2)` (no fsync).
/// A process killed at any moment leaves a file whose complete chunks all verify.
public final class TraceWriter {
    public let path: String
    private var fd: Int32
    /// Chunk header + encoded records, reused between chunks.
    private var buffer: [UInt8] = []
    /// The run tag in every chunk header: CRC-32 of the JSON header.
    public let runTag: UInt32
    /// The JSON header zero-padded to whole 32-byte blocks, for the header copies.
    private let headerCopy: [UInt8]
    public private(set) var recordsWritten: UInt64 = 0
    public private(set) var chunksWritten = 0
    public private(set) var bytesWritten = 0

    /// Creates (or truncates) `path` and writes the header and its first copy.
    /// A directory or FIFO is refused (a FIFO without a reader would block).
    public init(path: String, header: TraceHeader) throws {
        self.path = path
        let json = try header.encoded()
        guard json.count <= Int(UInt32.max) else {
            throw TraceError.cannotWrite(path: path, reason: "the header (model text) is \(json.count) bytes, over the format's 4 GiB")
        }
        runTag = CRC32.checksum(json)
        headerCopy = json + [UInt8](repeating: 0, count: (TraceFormat.recordSize - json.count % TraceFormat.recordSize) % TraceFormat.recordSize)
        fd = try FileAccess.openForWriting(path)
        var bytes = TraceFormat.fileMagic
        bytes.reserveCapacity(TraceFormat.filePreambleSize + json.count + 4 + TraceFormat.chunkHeaderSize + headerCopy.count)
        appendLE(TraceFormat.version, to: &bytes)
        appendLE(UInt32(json.count), to: &bytes)
        bytes += json
        appendLE(runTag, to: &bytes)
        bytes += headerCopyChunk()
        do { try writeAll(bytes) } catch { close(fd); fd = -1; throw error }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Writes `records` as one chunk (nothing for an empty batch).
    public func append(_ batch: ArraySlice<TraceRecord>) throws {
        try batch.withUnsafeBufferPointer { try append($0) }
    }

    func append(_ records: UnsafeBufferPointer<TraceRecord>) throws {
        guard !records.isEmpty else { return }
        let payload = records.count * TraceFormat.recordSize
        let total = TraceFormat.chunkHeaderSize + payload
        if buffer.count < total { buffer = [UInt8](repeating: 0, count: total) }
        let first = recordsWritten
        try buffer.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress!
            let body = base + TraceFormat.chunkHeaderSize
            TraceFormat.encode(records, into: body)
            TraceChunkHeader(type: .records, count: UInt32(records.count),
                             payloadCRC: CRC32.checksum(UnsafeRawPointer(body), count: payload), first: first, run: runTag)
                .write(to: base)
            try writeAll(UnsafeRawBufferPointer(start: base, count: total))
        }
        recordsWritten += UInt64(records.count)
        chunksWritten += 1
    }

    /// Writes a run of `weight` records with one time as one weight-snapshot chunk.
    public func appendWeights(_ records: ArraySlice<TraceRecord>) throws {
        guard !records.isEmpty else { return }
        var bytes = [UInt8](repeating: 0, count: TraceFormat.chunkHeaderSize)
        let (payload, grid) = TraceWeightBlock.encode(records)
        bytes.withUnsafeMutableBytes {
            TraceChunkHeader(type: grid ? .weightGrid : .weightPairs, count: UInt32(records.count), payloadCRC: CRC32.checksum(payload),
                             first: recordsWritten, run: runTag).write(to: $0.baseAddress!)
        }
        try writeAll(bytes + payload)
        recordsWritten += UInt64(records.count)
        chunksWritten += 1
    }

    /// Writes the second header copy and the end marker (one `write(2)`), and closes the file.
    public func finish() throws {
        guard fd >= 0 else { return }
        var end = headerCopyChunk() + [UInt8](repeating: 0, count: TraceFormat.chunkHeaderSize)
        end.withUnsafeMutableBytes {
            TraceChunkHeader(type: .end, count: 0, payloadCRC: 0, first: recordsWritten, run: runTag)
                .write(to: $0.baseAddress! + $0.count - TraceFormat.chunkHeaderSize)
        }
        defer { close(fd); fd = -1 }
        try writeAll(end)
    }

    /// A header-copy chunk: chunk header, then the padded JSON header.
    private func headerCopyChunk() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: TraceFormat.chunkHeaderSize)
        bytes.withUnsafeMutableBytes {
            TraceChunkHeader(type: .headerCopy, count: UInt32(headerCopy.count / TraceFormat.recordSize),
                             payloadCRC: CRC32.checksum(headerCopy), first: recordsWritten, run: runTag)
                .write(to: $0.baseAddress!)
        }
        return bytes + headerCopy
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try writeAll($0) }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw TraceError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
            done += n
        }
        bytesWritten += done
    }
}

private func appendLE(_ v: UInt32, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: v.littleEndian) { bytes += $0 }
}
