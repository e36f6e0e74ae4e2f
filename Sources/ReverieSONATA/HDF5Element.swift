import CHDF5

/// A number type stored in HDF5 datasets and attributes: its native (memory)
/// type and the little-endian file type the SONATA conventions name
/// (float = IEEE F32LE, double = F64LE, uint64 = STD U64LE, ...).
public protocol HDF5Element: Sendable {
    static var memoryType: hid_t { get }
    static var fileType: hid_t { get }
    /// Whether the type is a floating-point one (else an integer).
    static var isFloat: Bool { get }
    static var zero: Self { get }
}

extension Double: HDF5Element {
    public static var memoryType: hid_t { rv_h5t_native_double() }
    public static var fileType: hid_t { rv_h5t_ieee_f64le() }
    public static var isFloat: Bool { true }
    public static var zero: Double { 0 }
}

extension Float: HDF5Element {
    public static var memoryType: hid_t { rv_h5t_native_float() }
    public static var fileType: hid_t { rv_h5t_ieee_f32le() }
    public static var isFloat: Bool { true }
    public static var zero: Float { 0 }
}

extension UInt64: HDF5Element {
    public static var memoryType: hid_t { rv_h5t_native_uint64() }
    public static var fileType: hid_t { rv_h5t_std_u64le() }
    public static var isFloat: Bool { false }
    public static var zero: UInt64 { 0 }
}

extension Int64: HDF5Element {
    public static var memoryType: hid_t { rv_h5t_native_int64() }
    public static var fileType: hid_t { rv_h5t_std_i64le() }
    public static var isFloat: Bool { false }
    public static var zero: Int64 { 0 }
}

extension UInt32: HDF5Element {
    public static var memoryType: hid_t { rv_h5t_native_uint32() }
    public static var fileType: hid_t { rv_h5t_std_u32le() }
    public static var isFloat: Bool { false }
    public static var zero: UInt32 { 0 }
}

extension UInt8: HDF5Element {
    public static var memoryType: hid_t { rv_h5t_native_uint8() }
    public static var fileType: hid_t { rv_h5t_std_u8le() }
    public static var isFloat: Bool { false }
    public static var zero: UInt8 { 0 }
}
