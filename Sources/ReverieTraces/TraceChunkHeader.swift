/// The 32 bytes before each chunk's payload:
/// `magic "RVCK"(4) type(u32) count(u32) payloadCRC(u32) first(u64) run(u32) headerCRC(u32)`.
/// `headerCRC` covers bytes 0..<28, so a damaged count is detected before it is trusted.
/// `run` is the run tag (CRC-32 of the trace's JSON header) in version 2, 0 in version 1.
public struct TraceChunkHeader: Equatable, Sendable {
    public enum ChunkType: UInt32, Sendable {
        /// `count` records follow.
        case records = 1
        /// The run ended normally; `first` = total records written. No payload.
        case end = 2
        /// A copy of the JSON header, zero-padded to `count` × 32 bytes (version 2);
        /// `first` = records written before it.
        case headerCopy = 3
        /// A weight snapshot of `count` records on a pre × post grid, 8 bytes each
        /// (`TraceWeightBlock`, version 3); `first` = index of its first record.
        case weightGrid = 4
        /// A weight snapshot of `count` (pre, post, w) records, 16 bytes each
        /// (`TraceWeightBlock`, version 3); `first` = index of its first record.
        case weightPairs = 5

        /// A weight snapshot (type 4 or 5).
        public var isWeights: Bool { self == .weightGrid || self == .weightPairs }
        /// Holds records (type 1, 4 or 5).
        public var holdsRecords: Bool { self == .records || isWeights }
    }
    public var type: ChunkType
    /// Records (types 1, 4, 5) or 32-byte blocks (type 3) in the payload.
    public var count: UInt32
    public var payloadCRC: UInt32
    /// Index of the chunk's first record among all records of the trace.
    public var first: UInt64
    /// The run tag, tying the chunk to its header (0 in version 1).
    public var run: UInt32

    public init(type: ChunkType, count: UInt32, payloadCRC: UInt32, first: UInt64, run: UInt32) {
        self.type = type; self.count = count; self.payloadCRC = payloadCRC; self.first = first; self.run = run
    }

    /// Payload bytes after the chunk header (at most 2^32 × 32 + 32, so no overflow in `Int`).
    public var payloadSize: Int {
        switch type {
        case .end: return 0
        case .records, .headerCopy: return Int(count) * TraceFormat.recordSize
        case .weightGrid: return TraceWeightBlock.payloadSize(records: Int(count), grid: true)
        case .weightPairs: return TraceWeightBlock.payloadSize(records: Int(count), grid: false)
        }
    }

    public func write(to p: UnsafeMutableRawPointer) {
        for (k, b) in TraceFormat.chunkMagic.enumerated() { p.storeBytes(of: b, toByteOffset: k, as: UInt8.self) }
        p.storeLE(type.rawValue, at: 4)
        p.storeLE(count, at: 8)
        p.storeLE(payloadCRC, at: 12)
        p.storeLE(first, at: 16)
        p.storeLE(run, at: 24)
        p.storeLE(CRC32.checksum(UnsafeRawPointer(p), count: 28), at: 28)
    }

    /// Parses 32 bytes at `p`; nil unless magic, type and header checksum are valid.
    public static func read(_ p: UnsafeRawPointer) -> TraceChunkHeader? {
        guard hasMagicPrefix(p, available: 4), p.loadLE32(at: 28) == CRC32.checksum(p, count: 28),
              let type = ChunkType(rawValue: p.loadLE32(at: 4)) else { return nil }
        return TraceChunkHeader(type: type, count: p.loadLE32(at: 8), payloadCRC: p.loadLE32(at: 12),
                                first: p.loadLE64(at: 16), run: p.loadLE32(at: 24))
    }
}

extension TraceChunkHeader {
    /// Whether the `available` bytes at `p` could be the start of a chunk header.
    static func hasMagicPrefix(_ p: UnsafeRawPointer, available: Int) -> Bool {
        (0..<min(available, 4)).allSatisfy { p.load(fromByteOffset: $0, as: UInt8.self) == TraceFormat.chunkMagic[$0] }
    }
}
