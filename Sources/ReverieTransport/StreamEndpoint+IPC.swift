#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StreamEndpoint {
    /// The file-system path of an `ipc://` endpoint (nil for tcp and Linux's abstract `ipc://@name`).
    var ipcPath: String? {
        guard text.hasPrefix("ipc://") else { return nil }
        let path = String(text.dropFirst(6))
        return path.hasPrefix("@") ? nil : path
    }

    /// ZeroMQ binds an `ipc://PATH` by removing whatever socket file is there, so a
    /// second publisher would silently take the endpoint from a running one. This
    /// connects to PATH first: if a process accepts, the endpoint is in use. A stale
    /// socket file left by a killed process refuses the connection and is taken over.
    func requireNoLivePublisher() throws {
        guard let path = ipcPath else { return }
        var st = stat()
        guard stat(path, &st) == 0 else { return }
        guard st.st_mode & S_IFMT == S_IFSOCK else {
            throw TransportError.cannotBind(text, reason: "\(path) exists and is not a socket")
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return }   // ZeroMQ reports the length
        withUnsafeMutableBytes(of: &address.sun_path) { p in p.copyBytes(from: bytes); p[bytes.count] = 0 }
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return }
        defer { close(fd) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if connected == 0 {
            throw TransportError.cannotBind(text, reason: "another process is publishing there (the socket \(path) accepts connections)")
        }
    }
}
