import CHDF5
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open HDF5 file, through the HDF5 C library. Files are opened and
/// written only inside `read(_:_:)` and `write(_:_:)`, which hold one lock
/// (the serial library is not thread-safe) and close everything they opened.
///
/// A written file is built under a fresh temporary name in the target's
/// directory and renamed over the target when complete, so a symbolic link at
/// the target is replaced, never written through, and a failed write leaves no
/// partial file. Objects are created without modification times
/// (`H5Pset_obj_track_times`), so equal contents give byte-identical files.
final class HDF5File {
    let path: String
    let id: hid_t
    /// Group and dataset creation property lists of a file being written.
    private var groupProperties: hid_t = -1
    private(set) var datasetCreationProperties: hid_t = -1

    private static let lock = NSRecursiveLock()

    private init(path: String, id: hid_t) {
        self.path = path
        self.id = id
    }

    /// Opens `path` read-only for `body`. A missing or non-regular file, or one
    /// that is not HDF5, is an error naming it.
    static func read<T>(_ path: String, _ body: (HDF5File) throws -> T) throws -> T {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw SONATAError(file: path, errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        guard st.st_mode & S_IFMT == S_IFREG else { throw SONATAError(file: path, "not a regular file") }
        lock.lock()
        defer { lock.unlock() }
        rv_h5_quiet()
        guard H5Fis_hdf5(path) > 0 else { throw SONATAError(file: path, "not an HDF5 file") }
        let id = H5Fopen(path, rv_h5f_acc_rdonly(), rv_h5p_default())
        guard id >= 0 else { throw SONATAError(file: path, "cannot open: \(lastError())") }
        let file = HDF5File(path: path, id: id)
        defer { H5Fclose(id) }
        return try body(file)
    }

    /// Writes a new HDF5 file at `path` (replacing a file or link there) with `body`.
    static func write(_ path: String, _ body: (HDF5File) throws -> Void) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\((path as NSString).lastPathComponent).\(getpid()).tmp"
        lock.lock()
        defer { lock.unlock() }
        rv_h5_quiet()
        let fcpl = H5Pcreate(rv_h5p_file_create())
        H5Pset_obj_track_times(fcpl, false)
        let id = H5Fcreate(temporary, rv_h5f_acc_excl(), fcpl, rv_h5p_default())
        H5Pclose(fcpl)
        guard id >= 0 else { throw SONATAError(file: path, "cannot create \(temporary): \(lastError())") }
        let file = HDF5File(path: path, id: id)
        file.groupProperties = H5Pcreate(rv_h5p_group_create())
        H5Pset_obj_track_times(file.groupProperties, false)
        file.datasetCreationProperties = H5Pcreate(rv_h5p_dataset_create())
        H5Pset_obj_track_times(file.datasetCreationProperties, false)
        var closed = false
        defer {
            if !closed { H5Fclose(id) }
            H5Pclose(file.groupProperties)
            H5Pclose(file.datasetCreationProperties)
        }
        do {
            try body(file)
            closed = true
            guard H5Fclose(id) >= 0 else { throw SONATAError(file: path, "cannot write: \(lastError())") }
            guard rename(temporary, path) == 0 else { throw SONATAError(file: path, "cannot replace: \(String(cString: strerror(errno)))") }
        } catch {
            if !closed { closed = true; H5Fclose(id) }
            unlink(temporary)
            throw error
        }
    }

    /// The innermost message of HDF5's error stack.
    static func lastError() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        rv_h5_last_error(&buffer)
        let s = HDF5File.string(buffer)
        return s.isEmpty ? "HDF5 error" : s
    }

    /// The text of a zero-terminated buffer HDF5 filled.
    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func error(_ object: String, _ message: String) -> SONATAError { SONATAError(file: path, object: object, message) }

    /// Fails with HDF5's message when `status` is negative.
    @discardableResult
    func check<I: BinaryInteger>(_ status: I, _ object: String, _ what: String) throws -> I {
        guard status >= 0 else { throw error(object, "\(what) failed: \(Self.lastError())") }
        return status
    }

    // MARK: Structure

    /// The kind of object at `path` (`H5O_TYPE_UNKNOWN` if there is none).
    func objectType(_ path: String) -> H5O_type_t {
        // Check each link first: asking for the info of a missing path is an error.
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += "/" + part
            guard H5Lexists(id, prefix, rv_h5p_default()) > 0 else { return H5O_TYPE_UNKNOWN }
        }
        return rv_h5_object_type(id, path.isEmpty ? "/" : path)
    }

    func isGroup(_ path: String) -> Bool { objectType(path) == H5O_TYPE_GROUP }
    func isDataset(_ path: String) -> Bool { objectType(path) == H5O_TYPE_DATASET }

    /// The names of the links in group `path`, in name order.
    func members(of path: String) throws -> [String] {
        guard isGroup(path) else { throw error(path, "expected a group") }
        let g = try check(H5Gopen2(id, path, rv_h5p_default()), path, "opening the group")
        defer { H5Gclose(g) }
        var info = H5G_info_t()
        try check(H5Gget_info(g, &info), path, "reading the group")
        var names: [String] = []
        for k in 0..<info.nlinks {
            let n = try check(H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, nil, 0, rv_h5p_default()), path, "listing")
            var buffer = [CChar](repeating: 0, count: Int(n) + 1)
            try check(H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, &buffer, Int(n) + 1, rv_h5p_default()), path, "listing")
            names.append(HDF5File.string(buffer))
        }
        return names
    }

    /// Creates group `path` and its missing parents.
    func makeGroup(_ path: String) throws {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if H5Lexists(id, prefix, rv_h5p_default()) > 0 { continue }
            let g = try check(H5Gcreate2(id, prefix, rv_h5p_default(), groupProperties, rv_h5p_default()), prefix, "creating the group")
            H5Gclose(g)
        }
    }
}
