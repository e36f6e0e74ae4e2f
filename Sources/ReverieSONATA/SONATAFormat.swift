/// What every SONATA HDF5 file shares (SONATA developer guide, "Common
/// conventions"): the root attributes `magic` (uint32 0x0A7A) and `version`
/// (two uint32, the spec version the file follows).
enum SONATAFormat {
    static let magic: UInt32 = 0x0A7A
    static let version: [UInt32] = [0, 1]

    static func setRootAttributes(_ f: HDF5File) throws {
        try f.setAttribute("magic", [magic], scalar: true, on: "/")
        try f.setAttribute("version", version, on: "/")
    }
}
