#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ReverieKernel

/// Appends a trace file: header, then one checksummed chunk per `append` call,
/// each handed to the kernel with a single `write(2)` (no fsync). A process killed
/// at any moment leaves a file whose complete chunks all verify.
public final class TraceWriter {
    public let path: String
    private var fd: Int32
    /// Chunk header + encoded records, reused between chunks.
    private var buffer: [UInt8] = []
    public private(set) var recordsWritten: UInt64 = 0
    public private(set) var chunksWritten = 0
    public private(set) var bytesWritten = 0

    /// Creates (or truncates) `path` and writes the header.
    public init(path: String, header: TraceHeader) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TraceError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        let json = try header.encoded()
        var bytes = TraceFormat.fileMagic
        bytes.reserveCapacity(TraceFormat.filePreambleSize + json.count + 4)
        appendLE(TraceFormat.version, to: &bytes)
        appendLE(UInt32(json.count), to: &bytes)
        bytes += json
        appendLE(CRC32.checksum(json), to: &bytes)
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
                             payloadCRC: CRC32.checksum(UnsafeRawPointer(body), count: payload), first: first)
                .write(to: base)
            try writeAll(UnsafeRawBufferPointer(start: base, count: total))
        }
        recordsWritten += UInt64(records.count)
        chunksWritten += 1
    }

    /// Writes the end marker and closes the file.
    public func finish() throws {
        guard fd >= 0 else { return }
        var end = [UInt8](repeating: 0, count: TraceFormat.chunkHeaderSize)
        end.withUnsafeMutableBytes {
            TraceChunkHeader(type: .end, count: 0, payloadCRC: 0, first: recordsWritten).write(to: $0.baseAddress!)
        }
        defer { close(fd); fd = -1 }
        try writeAll(end)
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
