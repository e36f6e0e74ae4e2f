#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Opening trace and export files with POSIX calls, so that every failure has
/// a plain reason (no Foundation error codes), a FIFO never blocks, and
/// exported files are never written through a symbolic link.
public enum FileAccess {
    /// The user-facing reason for `errno` after open/mkdir on `path`.
    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file"
        case EACCES, EPERM: return "permission denied"
        case ELOOP: return "too many levels of symbolic links (a symlink loop?)"
        case EISDIR: return "is a directory, not a file"
        case ENOTDIR: return "a component of the path is not a directory"
        case ENXIO: return "is a FIFO or socket with no process at the other end"
        case ENAMETOOLONG: return "the path or one of its names is too long"
        default: return String(cString: strerror(code))
        }
    }

    /// What a non-regular file is, for messages.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    /// Maps a regular file read-only. Directories, devices (/dev/null), FIFOs and
    /// sockets are refused before anything is read; opening never blocks.
    static func mapForReading(_ path: String) throws -> Data {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw TraceError.cannotOpen(path: path, reason: reason(errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw TraceError.cannotOpen(path: path, reason: reason(errno)) }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw TraceError.cannotOpen(path: path, reason: "is \(kind(st.st_mode)), not a trace file")
        }
        let size = Int(st.st_size)
        guard size > 0 else { return Data() }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw TraceError.cannotOpen(path: path, reason: reason(errno))
        }
        return Data(bytesNoCopy: p, count: size, deallocator: .custom { p, n in munmap(p, n) })
    }

    /// Why creating `path` failed (ENOENT there means a missing directory).
    static func creationReason(_ code: Int32) -> String {
        code == ENOENT ? "its directory does not exist" : reason(code)
    }

    /// Opens `path` for writing (created or truncated). A directory or a FIFO is refused.
    static func openForWriting(_ path: String, mode: mode_t = 0o644) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, mode)
        guard fd >= 0 else { throw TraceError.cannotWrite(path: path, reason: creationReason(errno)) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = errno; close(fd); throw TraceError.cannotWrite(path: path, reason: reason(e)) }
        let type = st.st_mode & S_IFMT
        guard type == S_IFREG || type == S_IFCHR else {
            close(fd)
            throw TraceError.cannotWrite(path: path, reason: "is \(kind(st.st_mode)), not a regular file")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }

    /// Writes `bytes` to a new or truncated regular file `path`, refusing to follow a
    /// symbolic link there (an exported file stays where its directory is).
    public static func writeFile(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
        guard fd >= 0 else {
            let e = errno
            throw TraceError.cannotWrite(path: path, reason: e == ELOOP ? "is a symbolic link; refusing to write through it" : creationReason(e))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw TraceError.cannotWrite(path: path, reason: "is \(kind(st.st_mode)), not a regular file")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        try bytes.withUnsafeBytes { b in
            var done = 0
            while done < b.count {
                let n = write(fd, b.baseAddress! + done, b.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TraceError.cannotWrite(path: path, reason: reason(errno))
                }
                done += n
            }
        }
    }

    /// Creates directory `path` and its missing parents (like `mkdir -p`); an
    /// existing directory is fine, anything else in the way is an error.
    public static func makeDirectory(_ path: String) throws {
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else {
                throw TraceError.cannotWrite(path: path, reason: "is \(kind(st.st_mode)), not a directory")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeDirectory(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw TraceError.cannotWrite(path: path, reason: reason(errno)) }
    }

    /// Creates directory `name` inside the existing directory `parent`; an existing
    /// entry of that name must be a real directory (not a symbolic link).
    public static func makeSubdirectory(_ name: String, in parent: String) throws -> String {
        let path = (parent as NSString).appendingPathComponent(name)
        if mkdir(path, 0o755) != 0 {
            let e = errno
            var st = stat()
            guard e == EEXIST, lstat(path, &st) == 0 else { throw TraceError.cannotWrite(path: path, reason: reason(e)) }
            guard st.st_mode & S_IFMT == S_IFDIR else {
                throw TraceError.cannotWrite(path: path, reason: "is \(kind(st.st_mode)), not a directory; refusing to write through it")
            }
        }
        return path
    }
}
