/// Writes one-dimensional NumPy `.npy` files (format 1.0): a magic string, a
/// header dict padded to 64 bytes, then little-endian values. Files are written
/// without following a symbolic link at `path`.
public enum NPYWriter {
    public static func write(_ values: [UInt64], to path: String) throws {
        try write(descr: "<u8", count: values.count, to: path) { values.map { $0.littleEndian } }
    }

    public static func write(_ values: [Double], to path: String) throws {
        try write(descr: "<f8", count: values.count, to: path) { values.map { $0.bitPattern.littleEndian } }
    }

    public static func write(_ values: [Int32], to path: String) throws {
        try write(descr: "<i4", count: values.count, to: path) { values.map { $0.littleEndian } }
    }

    private static func write<Word>(descr: String, count: Int, to path: String, words: () -> [Word]) throws {
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(count),), }"
        let unpadded = 10 + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let n = UInt16(dict.utf8.count)
        bytes += [UInt8(n & 0xff), UInt8(n >> 8)]
        bytes += Array(dict.utf8)
        words().withUnsafeBytes { bytes += $0 }
        try FileAccess.writeFile(bytes, to: path)
    }
}
