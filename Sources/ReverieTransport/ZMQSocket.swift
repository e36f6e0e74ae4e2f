import CZeroMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One ZeroMQ socket with its own context. `close()` closes the socket (honouring
/// its linger) and then terminates the context, which waits until queued messages
/// are handed to the network: without it the last messages of a run are lost.
final class ZMQSocket {
    private var context: UnsafeMutableRawPointer?
    private(set) var handle: UnsafeMutableRawPointer?

    init(type: Int32) throws {
        guard let ctx = zmq_ctx_new() else { throw Self.error("zmq_ctx_new") }
        guard let s = zmq_socket(ctx, type) else {
            let e = Self.error("zmq_socket"); zmq_ctx_term(ctx); throw e
        }
        context = ctx
        handle = s
    }

    deinit { close() }

    static func reason() -> String { String(cString: zmq_strerror(zmq_errno())) }
    static func error(_ op: String) -> TransportError { .zmq(operation: op, reason: reason()) }

    func set(_ option: Int32, _ value: Int32) throws {
        var v = value
        guard zmq_setsockopt(handle, option, &v, MemoryLayout<Int32>.size) == 0 else {
            throw Self.error("zmq_setsockopt(\(option))")
        }
    }

    func set(_ option: Int32, bytes: [UInt8]) throws {
        guard bytes.withUnsafeBytes({ zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }) == 0 else {
            throw Self.error("zmq_setsockopt(\(option))")
        }
    }

    func bind(_ endpoint: StreamEndpoint) throws {
        guard zmq_bind(handle, endpoint.text) == 0 else {
            let code = zmq_errno()
            let why = code == EADDRINUSE ? "address already in use (is another run or replay publishing there?)" : Self.reason()
            throw TransportError.cannotBind(endpoint.text, reason: why)
        }
    }

    /// The endpoint bound last, with wildcard ports resolved.
    func lastEndpoint() throws -> String {
        var bytes = [UInt8](repeating: 0, count: 512)
        var size = bytes.count
        let rc = bytes.withUnsafeMutableBytes { zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, $0.baseAddress, &size) }
        guard rc == 0 else { throw Self.error("zmq_getsockopt") }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    func connect(_ endpoint: StreamEndpoint) throws {
        guard zmq_connect(handle, endpoint.text) == 0 else {
            throw TransportError.cannotConnect(endpoint.text, reason: Self.reason())
        }
    }

    /// Sends one frame; false when `flags` has ZMQ_DONTWAIT and the message cannot be queued now.
    func send(_ bytes: UnsafeRawBufferPointer, flags: Int32) throws -> Bool {
        while true {
            if zmq_send(handle, bytes.baseAddress, bytes.count, flags) >= 0 { return true }
            let code = zmq_errno()
            if code == EAGAIN { return false }
            if code != EINTR { throw Self.error("zmq_send") }
        }
    }

    func send(_ bytes: [UInt8], flags: Int32) throws -> Bool {
        try bytes.withUnsafeBytes { try send($0, flags: flags) }
    }

    /// Receives all frames of one message; nil on timeout (ZMQ_RCVTIMEO) or, with ZMQ_DONTWAIT, when none is queued.
    func receiveMessage(flags: Int32 = 0) throws -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        var msg = zmq_msg_t()
        zmq_msg_init(&msg)
        defer { zmq_msg_close(&msg) }
        repeat {
            if zmq_msg_recv(&msg, handle, frames.isEmpty ? flags : 0) < 0 {
                let code = zmq_errno()
                if code == EINTR { continue }
                if code == EAGAIN && frames.isEmpty { return nil }
                throw Self.error("zmq_msg_recv")
            }
            let size = zmq_msg_size(&msg)
            frames.append(size == 0 ? [] : Array(UnsafeRawBufferPointer(start: zmq_msg_data(&msg), count: size)))
        } while zmq_msg_more(&msg) != 0
        return frames
    }

    func close() {
        if let h = handle { zmq_close(h); handle = nil }
        if let c = context { while zmq_ctx_term(c) != 0 && zmq_errno() == EINTR {}; context = nil }
    }
}
