import ReverieKernel

/// Byte layout of trace files and published payloads (traces/FORMAT.md).
///
/// File: `magic(8) version(u32) headerLength(u32) headerJSON headerCRC(u32)` then chunks.
/// Chunk: a 32-byte chunk header (`TraceChunkHeader`) then its payload: `count`
/// records of `recordSize` bytes, or (version 2) a copy of the JSON header.
/// Everything is little-endian; checksums are CRC-32 (zlib's).
///
/// Version 2 ties every chunk to its header: the chunk header's run field holds
/// the CRC-32 of the JSON header (the run tag), and copies of the JSON header
/// follow the file header and precede the end marker, so a damaged header is
/// recoverable. Version 3 adds weight-snapshot chunks (`TraceWeightBlock`). Version
/// 1 files (run field 0, no copies) and version 2 files stay readable.
public enum TraceFormat {
    /// The version this reverie writes.
    public static let version: UInt32 = 3
    /// The versions this reverie reads.
    public static let readableVersions: ClosedRange<UInt32> = 1...3
    public static let fileMagic: [UInt8] = Array("REVTRACE".utf8)
    /// magic + version + header length.
    public static let filePreambleSize = 16
    public static let chunkMagic: [UInt8] = Array("RVCK".utf8)
    public static let chunkHeaderSize = 32
    /// time f64 @0, value f64 @8, unit u32 @16, aux u32 @20, kind u8 @24, 7 zero bytes.
    public static let recordSize = 32
    /// The file extension `reverie` uses for traces.
    public static let fileExtension = "rvt"

    /// Writes `record` in the version-1 layout at `p` (32 bytes).
    @inline(__always)
    public static func encode(_ r: TraceRecord, into p: UnsafeMutableRawPointer) {
        p.storeBytes(of: r.time.value.bitPattern.littleEndian, toByteOffset: 0, as: UInt64.self)
        p.storeBytes(of: r.value.bitPattern.littleEndian, toByteOffset: 8, as: UInt64.self)
        p.storeBytes(of: r.unit.littleEndian, toByteOffset: 16, as: UInt32.self)
        p.storeBytes(of: r.aux.littleEndian, toByteOffset: 20, as: UInt32.self)
        // kind byte followed by seven zero padding bytes.
        p.storeBytes(of: UInt64(r.kind.rawValue).littleEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// Encodes `records` into `bytes` starting at byte `offset` (which must have room).
    public static func encode(_ records: UnsafeBufferPointer<TraceRecord>, into bytes: UnsafeMutableRawPointer) {
        for k in 0..<records.count { encode(records[k], into: bytes + k * recordSize) }
    }

    /// Reads one record; nil when the kind byte or the padding is not valid, or
    /// the time is not finite (no run produces an infinite or NaN event time).
    @inline(__always)
    public static func decode(from p: UnsafeRawPointer) -> TraceRecord? {
        let tail = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        guard tail >> 8 == 0, let kind = RecordKind(rawValue: UInt8(tail & 0xff)) else { return nil }
        let time = Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 0, as: UInt64.self)))
        guard time.isFinite else { return nil }
        return TraceRecord(
            kind: kind,
            time: SimTime(time),
            unit: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt32.self)),
            aux: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 20, as: UInt32.self)),
            value: Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))))
    }

    /// Decodes `count` records at `p`; throws on the first invalid one.
    public static func decode(_ count: Int, from p: UnsafeRawPointer) throws -> [TraceRecord] {
        var out: [TraceRecord] = []
        out.reserveCapacity(count)
        for k in 0..<count {
            guard let r = decode(from: p + k * recordSize) else { throw TraceError.badRecord(index: k) }
            out.append(r)
        }
        return out
    }
}

extension UnsafeMutableRawPointer {
    @inline(__always) func storeLE(_ v: UInt32, at offset: Int) {
        storeBytes(of: v.littleEndian, toByteOffset: offset, as: UInt32.self)
    }
    @inline(__always) func storeLE(_ v: UInt64, at offset: Int) {
        storeBytes(of: v.littleEndian, toByteOffset: offset, as: UInt64.self)
    }
}

extension UnsafeRawPointer {
    @inline(__always) func loadLE32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
    @inline(__always) func loadLE64(at offset: Int) -> UInt64 {
        UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
