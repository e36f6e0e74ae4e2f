import CZeroMQ
import Foundation

/// Receives stream messages from a publisher (`reverie monitor`).
public final class StreamSubscriber {
    public let endpoint: StreamEndpoint
    private let socket: ZMQSocket
    private var timeoutMilliseconds: Int32 = -2

    /// Connects and subscribes to `topics` (prefixes; `rv.` is everything).
    /// `receiveHighWaterMark` bounds the messages queued before the publisher sees this subscriber as full.
    public init(endpoint: String, topics: [String] = [StreamTopic.prefix], receiveHighWaterMark: Int32 = 100_000) throws {
        self.endpoint = try StreamEndpoint(endpoint)
        socket = try ZMQSocket(type: ZMQ_SUB)
        try socket.set(ZMQ_LINGER, 0)
        try socket.set(ZMQ_RCVHWM, receiveHighWaterMark)
        try socket.connect(self.endpoint)
        for t in topics { try socket.set(ZMQ_SUBSCRIBE, bytes: Array(t.utf8)) }
    }

    deinit { socket.close() }

    /// The next message, or nil if none arrived within `timeout` seconds.
    public func next(timeout: Double) throws -> StreamMessage? {
        let ms = Int32(max(0, timeout * 1000).rounded())
        if ms != timeoutMilliseconds { try socket.set(ZMQ_RCVTIMEO, ms); timeoutMilliseconds = ms }
        return try socket.receiveMessage().map(StreamMessage.init(frames:))
    }

    public func close() { socket.close() }
}
