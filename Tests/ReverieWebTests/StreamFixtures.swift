import Foundation
import ReverieKernel
import ReverieTraces
import ReverieTransport
@testable import ReverieWeb

/// Builds stream messages as a publisher would, and reads back the frames the page receives.
struct StreamFixture {
    let run: RunDescription
    private(set) var seq: [String: UInt64] = [:]
    private(set) var first: [String: UInt64] = [:]
    let monitor = StreamMonitor()
    var state = LiveState()

    init(run: RunDescription) { self.run = run }

    func runMessage() throws -> StreamMessage {
        try StreamMessage(frames: [Array(StreamTopic.run.utf8), StreamHeader(count: 0, seq: 0, first: 0).bytes,
                                   TraceHeader(run: run, streams: .all).encoded()])
    }

    /// A message of `records` (one kind) on its topic, `skip` messages after the previous one (a gap).
    mutating func message(_ records: [TraceRecord], skip: Int = 0, skippedRecords: Int = 0) throws -> StreamMessage {
        let topic = StreamTopic.records(records[0].kind)
        seq[topic, default: 0] += UInt64(skip)
        first[topic, default: 0] += UInt64(skippedRecords)
        var payload = [UInt8](repeating: 0, count: records.count * TraceFormat.recordSize)
        records.withUnsafeBufferPointer { r in payload.withUnsafeMutableBytes { TraceFormat.encode(r, into: $0.baseAddress!) } }
        let m = try StreamMessage(frames: [Array(topic.utf8),
                                           StreamHeader(count: UInt32(records.count), seq: seq[topic]!, first: first[topic]!).bytes,
                                           payload])
        seq[topic]! += 1
        first[topic]! += UInt64(records.count)
        return m
    }

    mutating func feed(_ m: StreamMessage) throws {
        let records = try monitor.consume(m)
        state.update(m, records: records, monitor: monitor)
    }

    mutating func feed(_ records: [TraceRecord], skip: Int = 0, skippedRecords: Int = 0) throws {
        try feed(message(records, skip: skip, skippedRecords: skippedRecords))
    }
}

/// One decoded frame: its JSON and raster events.
struct DecodedFrame {
    let json: [String: Any]
    let times: [Double]
    let units: [UInt32]
    let populations: [UInt16]
    let marks: [UInt8]

    init(_ bytes: [UInt8]) throws {
        guard bytes.count >= 8, Array(bytes[0..<4]) == Array("RVW1".utf8) else { throw Malformed() }
        let length = Int(bytes[4..<8].withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) })
        json = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as! [String: Any]
        var offset = 8 + length
        offset += (8 - offset % 8) % 8
        let n = (json["raster"] as! [String: Any])["count"] as! Int
        guard bytes.count == offset + 15 * n else { throw Malformed() }
        func read<T: FixedWidthInteger>(_: T.Type, at o: Int) -> T {
            bytes[o..<(o + MemoryLayout<T>.size)].withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        times = (0..<n).map { Double(bitPattern: read(UInt64.self, at: offset + 8 * $0)) }
        units = (0..<n).map { read(UInt32.self, at: offset + 8 * n + 4 * $0) }
        populations = (0..<n).map { read(UInt16.self, at: offset + 12 * n + 2 * $0) }
        marks = (0..<n).map { bytes[offset + 14 * n + $0] }
    }

    struct Malformed: Error {}

    subscript(path: String...) -> Any? {
        var node: Any? = json
        for key in path { node = (node as? [String: Any])?[key] }
        return node
    }
}
