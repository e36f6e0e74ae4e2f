import ReverieKernel
import ReverieTraces

/// One received `[topic, header, payload]` message.
public struct StreamMessage: Equatable, Sendable {
    public var topic: String
    public var header: StreamHeader
    public var payload: [UInt8]

    public init(frames: [[UInt8]]) throws {
        guard frames.count == 3 else { throw TransportError.malformedMessage("\(frames.count) frames, expected 3") }
        topic = String(decoding: frames[0], as: UTF8.self)
        header = try StreamHeader(bytes: frames[1])
        payload = frames[2]
        if StreamTopic.kind(of: topic) != nil && payload.count != Int(header.count) * TraceFormat.recordSize {
            throw TransportError.malformedMessage("\(topic) payload has \(payload.count) bytes for \(header.count) records")
        }
    }

    /// The records of a record message (empty for rv.run / rv.end).
    public func records() throws -> [TraceRecord] {
        guard StreamTopic.kind(of: topic) != nil, !payload.isEmpty else { return [] }
        do {
            return try payload.withUnsafeBytes { try TraceFormat.decode(Int(header.count), from: $0.baseAddress!) }
        } catch { throw TransportError.malformedMessage("\(topic) message \(header.seq): \(error)") }
    }
}
