import CHDF5

/// Datasets and attributes of a file being read, with errors that name the
/// object and what was expected of it.
extension HDF5File {
    /// The dimensions of dataset `path`.
    func shape(of path: String) throws -> [Int] {
        try withDataset(path) { d, _ in try dimensions(H5Dget_space(d), path) }
    }

    /// Every value of dataset `path` (row-major), converted to `T` by HDF5; the
    /// stored type must be of `T`'s class (floating-point or integer).
    func read<T: HDF5Element>(_ path: String, as: T.Type = T.self) throws -> [T] {
        try withDataset(path) { d, type in
            try expectClass(type, float: T.isFloat, path)
            let count = try dimensions(H5Dget_space(d), path).reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
            try checkSize(count, of: T.self, stored: Int(H5Dget_storage_size(d)), path)
            var values = [T](repeating: .zero, count: count)
            if count > 0 {
                try values.withUnsafeMutableBytes { b in
                    _ = try check(H5Dread(d, T.memoryType, rv_h5s_all(), rv_h5s_all(), rv_h5p_default(), b.baseAddress), path, "reading")
                }
            }
            return values
        }
    }

    /// Ids or indices (non-negative integers) of dataset `path`, from any integer type.
    func readIndices(_ path: String) throws -> [UInt64] {
        let signed = try withDataset(path) { _, type in
            try expectClass(type, float: false, path)
            return H5Tget_sign(type) == H5T_SGN_2
        }
        guard signed else { return try read(path, as: UInt64.self) }
        let values = try read(path, as: Int64.self)
        if let k = values.firstIndex(where: { $0 < 0 }) { throw error(path, "expected non-negative ids; element \(k) is \(values[k])") }
        return values.map { UInt64($0) }
    }

    func hasAttribute(_ name: String, on object: String) -> Bool {
        H5Aexists_by_name(id, object, name, rv_h5p_default()) > 0
    }

    /// Numeric attribute `name` of `object` (all its elements).
    func attribute<T: HDF5Element>(_ name: String, on object: String, as: T.Type = T.self) throws -> [T] {
        try withAttribute(name, on: object) { a, type in
            try expectClass(type, float: T.isFloat, "\(object) attribute \(name)")
            let count = try dimensions(H5Aget_space(a), object).reduce(1, *)
            var values = [T](repeating: .zero, count: count)
            try values.withUnsafeMutableBytes { b in
                _ = try check(H5Aread(a, T.memoryType, b.baseAddress), object, "reading attribute \(name)")
            }
            return values
        }
    }

    /// Text attribute `name` of `object`: a (variable- or fixed-length) string,
    /// or the member name of an enumeration value.
    func text(_ name: String, on object: String) throws -> String {
        try withAttribute(name, on: object) { a, type in
            switch H5Tget_class(type) {
            case H5T_STRING:
                let space = H5Aget_space(a)
                defer { H5Sclose(space) }
                guard H5Sget_simple_extent_npoints(space) == 1 else { throw error(object, "expected attribute \(name) to be one string") }
                if H5Tis_variable_str(type) > 0 {
                    let memory = H5Tcopy(rv_h5t_c_s1())
                    defer { H5Tclose(memory) }
                    H5Tset_size(memory, rv_h5t_variable())
                    H5Tset_cset(memory, H5Tget_cset(type))
                    var pointer: UnsafeMutablePointer<CChar>? = nil
                    try check(H5Aread(a, memory, &pointer), object, "reading attribute \(name)")
                    defer { rv_h5_reclaim(memory, space, &pointer) }
                    return pointer.map { String(cString: $0) } ?? ""
                }
                let size = H5Tget_size(type)
                guard size <= 1 << 20 else { throw error(object, "attribute \(name) is a string of \(size) bytes; at most 1 MiB is read") }
                var bytes = [UInt8](repeating: 0, count: size + 1)
                try check(H5Aread(a, type, &bytes), object, "reading attribute \(name)")
                let cut = bytes.firstIndex(of: 0) ?? size
                return String(decoding: bytes[..<cut], as: UTF8.self).trimmingTrailingSpaces()
            case H5T_ENUM:
                var value = [UInt8](repeating: 0, count: max(H5Tget_size(type), 8))
                try check(H5Aread(a, type, &value), object, "reading attribute \(name)")
                var buffer = [CChar](repeating: 0, count: 256)
                try check(H5Tenum_nameof(type, &value, &buffer, 256), object, "attribute \(name) holds no member of its enumeration")
                return HDF5File.string(buffer)
            default:
                throw error(object, "expected attribute \(name) to be a string or an enumeration")
            }
        }
    }

    // MARK: Helpers

    private func withDataset<R>(_ path: String, _ body: (hid_t, hid_t) throws -> R) throws -> R {
        guard isDataset(path) else { throw error(path, isGroup(path) ? "expected a dataset, found a group" : "missing (expected a dataset)") }
        let d = try check(H5Dopen2(id, path, rv_h5p_default()), path, "opening")
        defer { H5Dclose(d) }
        let type = H5Dget_type(d)
        defer { H5Tclose(type) }
        return try body(d, type)
    }

    private func withAttribute<R>(_ name: String, on object: String, _ body: (hid_t, hid_t) throws -> R) throws -> R {
        guard hasAttribute(name, on: object) else { throw error(object, "missing attribute \(name)") }
        let a = try check(H5Aopen_by_name(id, object, name, rv_h5p_default(), rv_h5p_default()), object, "opening attribute \(name)")
        defer { H5Aclose(a) }
        let type = H5Aget_type(a)
        defer { H5Tclose(type) }
        return try body(a, type)
    }

    private func dimensions(_ space: hid_t, _ object: String) throws -> [Int] {
        try check(space, object, "reading the dataspace")
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank > 0 else { return [] }
        var dims = [hsize_t](repeating: 0, count: rank)
        H5Sget_simple_extent_dims(space, &dims, nil)
        return dims.map { Int($0) }
    }

    /// Refuses datasets whose declared size could not be meant: more than 2³¹
    /// elements, or far more bytes than the file stores for them (an
    /// unallocated dataset of 2⁴⁰ elements takes a few bytes of file).
    private func checkSize<T>(_ count: Int, of: T.Type, stored: Int, _ path: String) throws {
        let bytes = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard count >= 0, count <= 1 << 31, !bytes.overflow, bytes.partialValue <= 64 * stored + (1 << 20) else {
            throw error(path, "declares \(count) elements but the file stores \(stored) bytes of them; refusing to read it")
        }
    }

    private func expectClass(_ type: hid_t, float: Bool, _ object: String) throws {
        let c = H5Tget_class(type)
        guard c == (float ? H5T_FLOAT : H5T_INTEGER) else {
            let found = switch c {
            case H5T_INTEGER: "integers"
            case H5T_FLOAT: "floating-point numbers"
            case H5T_STRING: "strings"
            case H5T_ENUM: "an enumeration"
            case H5T_COMPOUND: "compound records"
            default: "another type"
            }
            throw error(object, "expected \(float ? "floating-point numbers" : "integers"), found \(found)")
        }
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
