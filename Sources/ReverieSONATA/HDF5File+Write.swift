import CHDF5

/// Datasets and attributes of a file being written.
extension HDF5File {
    /// Writes `values` as dataset `path` of `shape` (default: one dimension),
    /// in chunks of `chunk` (default: contiguous), creating missing parent groups.
    func write<T: HDF5Element>(_ values: [T], to path: String, shape: [Int]? = nil, chunk: [Int]? = nil) throws {
        let dims = (shape ?? [values.count]).map { hsize_t($0) }
        precondition(dims.reduce(1, *) == values.count, "the shape holds every value")
        try makeGroup(String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]))
        let space = try check(H5Screate_simple(Int32(dims.count), dims, nil), path, "creating the dataspace")
        defer { H5Sclose(space) }
        var properties = datasetCreationProperties
        if let chunk, !values.isEmpty {
            properties = H5Pcopy(properties)
            H5Pset_chunk(properties, Int32(chunk.count), chunk.map { hsize_t($0) })
        }
        defer { if properties != datasetCreationProperties { H5Pclose(properties) } }
        let dataset = try check(H5Dcreate2(id, path, T.fileType, space, rv_h5p_default(), properties, rv_h5p_default()),
                                path, "creating the dataset")
        defer { H5Dclose(dataset) }
        guard !values.isEmpty else { return }
        try values.withUnsafeBytes { b in
            _ = try check(H5Dwrite(dataset, T.memoryType, rv_h5s_all(), rv_h5s_all(), rv_h5p_default(), b.baseAddress), path, "writing")
        }
    }

    /// Makes `alias` a second name (hard link) of the existing object `path`.
    func link(_ path: String, as alias: String) throws {
        try check(H5Lcreate_hard(id, path, id, alias, rv_h5p_default(), rv_h5p_default()), alias, "linking to \(path)")
    }

    /// Sets attribute `name` of object `object` to `values` (a scalar when `scalar`).
    func setAttribute<T: HDF5Element>(_ name: String, _ values: [T], scalar: Bool = false, on object: String) throws {
        precondition(!scalar || values.count == 1)
        let space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, [hsize_t(values.count)], nil)
        try values.withUnsafeBytes { b in
            try attribute(name, type: T.fileType, space: space, on: object) { a in H5Awrite(a, T.memoryType, b.baseAddress) }
        }
    }

    /// Sets attribute `name` to a scalar variable-length UTF-8 string (as h5py writes `str`).
    func setAttribute(_ name: String, string: String, on object: String) throws {
        let type = H5Tcopy(rv_h5t_c_s1())
        defer { H5Tclose(type) }
        H5Tset_size(type, rv_h5t_variable())
        H5Tset_cset(type, H5T_CSET_UTF8)
        try string.withCString { s in
            var pointer: UnsafePointer<CChar>? = s
            try attribute(name, type: type, space: H5Screate(H5S_SCALAR), on: object) { a in H5Awrite(a, type, &pointer) }
        }
    }

    /// Sets attribute `name` to a scalar HDF5 enumeration over `members` (uint8
    /// values 0, 1, ... in order) holding `members[value]`.
    func setEnumAttribute(_ name: String, members: [String], value: Int, on object: String) throws {
        let type = H5Tenum_create(rv_h5t_std_u8le())
        defer { H5Tclose(type) }
        for (k, m) in members.enumerated() {
            var v = UInt8(k)
            try check(H5Tenum_insert(type, m, &v), object, "defining enumeration \(name)")
        }
        var v = UInt8(value)
        try attribute(name, type: type, space: H5Screate(H5S_SCALAR), on: object) { a in H5Awrite(a, type, &v) }
    }

    /// Creates attribute `name` on `object` and fills it with `write`; closes `space`.
    private func attribute(_ name: String, type: hid_t, space: hid_t, on object: String, write: (hid_t) -> herr_t) throws {
        defer { H5Sclose(space) }
        try check(space, object, "creating the dataspace of attribute \(name)")
        let o = try check(H5Oopen(id, object, rv_h5p_default()), object, "opening")
        defer { H5Oclose(o) }
        let a = try check(H5Acreate2(o, name, type, space, rv_h5p_default(), rv_h5p_default()), object, "creating attribute \(name)")
        defer { H5Aclose(a) }
        try check(write(a), object, "writing attribute \(name)")
    }
}
