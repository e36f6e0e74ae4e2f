/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of zlib and
/// Python's `zlib.crc32`, computed slicing-by-8 (eight table lookups per 8 bytes).
public enum CRC32 {
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (0xEDB8_8320 ^ (c >> 1)) : (c >> 1) }
            t[i] = c
        }
        for i in 0..<256 {
            for k in 1..<8 { t[k * 256 + i] = (t[(k - 1) * 256 + i] >> 8) ^ t[Int(t[(k - 1) * 256 + i] & 0xff)] }
        }
        return t
    }()

    /// Checksum of `count` bytes at `p`, continuing from `crc` (0 to start).
    public static func checksum(_ p: UnsafeRawPointer, count: Int, continuing crc: UInt32 = 0) -> UInt32 {
        tables.withUnsafeBufferPointer { t in
            var c = ~crc
            var q = p
            var n = count
            while n >= 8 {
                let one = q.loadUnaligned(as: UInt32.self).littleEndian ^ c
                let two = q.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
                c = t[7 * 256 + Int(one & 0xff)] ^ t[6 * 256 + Int((one >> 8) & 0xff)]
                    ^ t[5 * 256 + Int((one >> 16) & 0xff)] ^ t[4 * 256 + Int(one >> 24)]
                    ^ t[3 * 256 + Int(two & 0xff)] ^ t[2 * 256 + Int((two >> 8) & 0xff)]
                    ^ t[1 * 256 + Int((two >> 16) & 0xff)] ^ t[Int(two >> 24)]
                q += 8; n -= 8
            }
            while n > 0 {
                c = t[Int((c ^ UInt32(q.load(as: UInt8.self))) & 0xff)] ^ (c >> 8)
                q += 1; n -= 1
            }
            return ~c
        }
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { b in b.baseAddress.map { checksum($0, count: b.count) } ?? 0 }
    }
}
