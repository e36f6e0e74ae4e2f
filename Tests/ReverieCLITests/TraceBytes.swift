import Foundation

/// An independent reading of traces/FORMAT.md for the CLI tests (which see only
/// the executable): a bitwise CRC-32, a chunk walker, and crafting of
/// checksum-valid traces with an edited header.
enum TraceBytes {
    /// CRC-32 as zlib computes it (reflected polynomial 0xEDB88320), one table lookup per byte.
    static let table: [UInt32] = (0..<256).map { i in
        (0..<8).reduce(UInt32(i)) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        table.withUnsafeBufferPointer { t in
            bytes.withUnsafeBufferPointer { b in
                var c: UInt32 = 0xFFFF_FFFF
                for k in 0..<b.count { c = t[Int((c ^ UInt32(b[k])) & 0xff)] ^ (c >> 8) }
                return ~c
            }
        }
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 { crc32(bytes[...]) }

    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * $1) } }
    static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * $1) } }
    static func le(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    struct Chunk {
        var offset: Int, end: Int, type: UInt32, count: Int, first: UInt64
        /// The whole payload is in the file and matches its checksum.
        var intact: Bool
        /// A record chunk or a weight snapshot (types 4 and 5), holding `count` records.
        var holdsRecords: Bool { [1, 4, 5].contains(type) }
    }

    /// The chunks after the header, walked as FORMAT.md's loader does, until the first
    /// invalid chunk header or the end of the file.
    static func chunks(_ b: [UInt8]) -> [Chunk] {
        guard b.count >= 16 else { return [] }
        var pos = 20 + Int(u32(b, 12))
        var out: [Chunk] = []
        while pos + 32 <= b.count, b[pos..<(pos + 4)].elementsEqual("RVCK".utf8), crc32(b[pos..<(pos + 28)]) == u32(b, pos + 28) {
            let type = u32(b, pos + 4), count = Int(u32(b, pos + 8))
            // Payload: none (end), 32 bytes per record or block, or a weight block (32-byte head, 8 or 16 bytes per record).
            let body = type == 2 ? 0 : type == 4 ? 32 + 8 * count : type == 5 ? 32 + 16 * count : 32 * count
            let end = pos + 32 + (body + 31) / 32 * 32
            let intact = end <= b.count && crc32(b[(pos + 32)..<end]) == u32(b, pos + 12)
            out.append(Chunk(offset: pos, end: end, type: type, count: count, first: u64(b, pos + 16), intact: intact))
            guard end <= b.count else { break }
            pos = end
        }
        return out
    }

    /// `trace` (version 2) with its header's populations replaced by `populations(old)`:
    /// a new header checksum and run tag in every record chunk and the end marker; the
    /// header copies are left out (they would hold the old header).
    static func craft(_ trace: [UInt8], populations: ([[String: Any]]) -> [[String: Any]]) throws -> [UInt8] {
        let length = Int(u32(trace, 12))
        var header = try JSONSerialization.jsonObject(with: Data(trace[16..<(16 + length)])) as! [String: Any]
        var run = header["run"] as! [String: Any]
        run["populations"] = populations(run["populations"] as! [[String: Any]])
        header["run"] = run
        let json = Array(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let tag = crc32(json)
        var out = Array(trace[0..<12]) + le(UInt32(json.count)) + json + le(tag)
        for c in chunks(trace) where c.type != 3 {
            var chunk = Array(trace[c.offset..<c.end])
            chunk.replaceSubrange(24..<28, with: le(tag))
            chunk.replaceSubrange(28..<32, with: le(crc32(chunk[0..<28])))
            out += chunk
        }
        return out
    }
}
