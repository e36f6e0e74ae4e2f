import CZeroMQ
import Foundation
import ReverieKernel
import ReverieTraces

/// Publishes a run's records over ZeroMQ (`reverie run --publish ENDPOINT`,
/// `reverie replay`) as `[topic, header, payload]` messages (traces/FORMAT.md §4).
///
/// The socket is an XPUB so the publisher sees subscription frames: it can wait
/// for K subscribers before the first message (a plain PUB silently drops what it
/// sends before a subscriber's subscription has arrived) and re-send the run
/// description to late joiners.
///
/// Delivery is per subscriber. By default ZeroMQ drops a message only for the
/// subscribers whose queue is full (no `ZMQ_XPUB_NODROP`), so a slow monitor costs
/// only itself and the simulation never waits; each subscriber counts what it
/// lost from the per-topic sequence numbers and the end summary's totals. With
/// `lossless` (`ZMQ_XPUB_NODROP` and blocking sends) every subscriber gets every
/// message and the slowest one paces the run. The end summary is sent with
/// `ZMQ_XPUB_NODROP` (waiting up to the linger time for room), so that slow
/// subscribers learn the totals too, and the socket stays open until every
/// subscriber has left (or the linger time is over), so that none loses the end
/// of the stream in transit.
public final class ZMQPublisherSink: SimulationSink {
    public struct Options: Sendable {
        /// Block when a subscriber's queue is full instead of dropping.
        public var lossless = false
        /// Subscription frames to wait for before the first message.
        public var waitSubscribers = 0
        /// Seconds to wait for them before failing.
        public var waitTimeout = 60.0
        /// Longest payload, in records.
        public var maxRecordsPerMessage = 8192
        /// Messages queued per subscriber before sends drop (or block); ZeroMQ's default.
        public var sendHighWaterMark: Int32 = 1000
        public init(lossless: Bool = false, waitSubscribers: Int = 0, waitTimeout: Double = 60) {
            self.lossless = lossless; self.waitSubscribers = waitSubscribers; self.waitTimeout = waitTimeout
        }
    }

    /// What was sent and dropped so far. `droppedMessages` counts messages the
    /// socket refused for every subscriber; drops for single slow subscribers are
    /// invisible here and counted by those subscribers.
    public struct Statistics: Sendable, Equatable {
        public var messages = 0
        public var records = 0
        public var droppedMessages = 0
        public var droppedRecords = 0
        public var subscriptions = 0
    }

    /// Seconds queued messages may take to leave at the end without --lossless.
    static let lingerMilliseconds: Int32 = 10_000

    public let endpoint: StreamEndpoint
    /// The endpoint actually bound (`tcp://127.0.0.1:*` resolved to its port).
    public let boundEndpoint: String
    public let options: Options
    public private(set) var statistics = Statistics()
    private let socket: ZMQSocket
    private let recordTopics: [[UInt8]]
    private var seq: [UInt64]
    private var first: [UInt64]
    private var runSeq: UInt64 = 0
    private var runJSON: [UInt8]? = nil
    /// Topics some connected subscriber still subscribes to.
    private var liveTopics: Set<[UInt8]> = []
    private var buffer: [UInt8] = []

    /// Binds at once, so a bad or busy endpoint fails before the run starts.
    public init(endpoint: String, options: Options = Options()) throws {
        self.endpoint = try StreamEndpoint(endpoint)
        self.options = options
        try self.endpoint.requireNoLivePublisher()
        socket = try ZMQSocket(type: ZMQ_XPUB)
        try socket.set(ZMQ_XPUB_NODROP, options.lossless ? 1 : 0)
        try socket.set(ZMQ_XPUB_VERBOSE, 1)
        try socket.set(ZMQ_LINGER, options.lossless ? -1 : Self.lingerMilliseconds)
        try socket.set(ZMQ_SNDHWM, options.sendHighWaterMark)
        try socket.bind(self.endpoint)
        boundEndpoint = try socket.lastEndpoint()
        let slots = Int(RecordKind.allCases.map(\.rawValue).max()!) + 1
        var topics = [[UInt8]](repeating: [], count: slots)
        for k in RecordKind.allCases { topics[Int(k.rawValue)] = Array(StreamTopic.records(k).utf8) }
        recordTopics = topics
        seq = Array(repeating: 0, count: slots)
        first = Array(repeating: 0, count: slots)
    }

    deinit { socket.close() }

    public func begin(_ run: RunDescription) throws {
        runJSON = try TraceHeader(run: run, streams: .all).encoded()
        try waitForSubscribers()
        try sendRun()
    }

    public func receive(_ batch: ArraySlice<TraceRecord>) throws {
        try batch.withUnsafeBufferPointer { try send($0) }
    }

    private func send(_ records: UnsafeBufferPointer<TraceRecord>) throws {
        try pollSubscriptions()
        guard !records.isEmpty else { return }
        let size = records.count * TraceFormat.recordSize
        if buffer.count < size { buffer = [UInt8](repeating: 0, count: size) }
        try buffer.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress!
            TraceFormat.encode(records, into: base)
            var start = 0
            while start < records.count {
                let kind = records[start].kind
                var end = start + 1
                while end < records.count && records[end].kind == kind && end - start < options.maxRecordsPerMessage { end += 1 }
                try publish(kind, UnsafeRawBufferPointer(start: base + start * TraceFormat.recordSize,
                                                         count: (end - start) * TraceFormat.recordSize), count: end - start)
                start = end
            }
        }
    }

    /// Sends the end summary, then closes the socket and terminates the context
    /// (which waits for queued messages within the linger period).
    public func end() throws {
        defer { socket.close() }
        guard socket.handle != nil, runJSON != nil else { return }
        let topic = Array(StreamTopic.end.utf8), header = StreamHeader(count: 0, seq: 0, first: 0).bytes
        // Queued for every subscriber (waiting up to the linger time, for ever if lossless) ...
        try socket.set(ZMQ_XPUB_NODROP, 1)
        try socket.set(ZMQ_SNDTIMEO, options.lossless ? -1 : Self.lingerMilliseconds)
        if try !sendFrames(topic, header, endSummary(), flags: 0) {
            // ... or, failing that, for those that have room.
            try socket.set(ZMQ_XPUB_NODROP, 0)
            _ = try sendFrames(topic, header, endSummary(), flags: 0)
        }
        let deadline = Date().addingTimeInterval(Double(Self.lingerMilliseconds) / 1000)
        func left() -> Int32 { Int32(max(0, deadline.timeIntervalSinceNow * 1000).rounded()) }
        // A subscriber whose receive queue is full loses the data still in transit when the
        // publisher closes the connection (over ipc:// the hang-up stops its reading at once):
        // wait until every subscriber has left (its unsubscriptions arrived), at most the linger
        // time. Without --lossless the queue of a subscriber that fell behind is skipped by
        // ZeroMQ until it has drained, so it missed the summary: repeat it every 0.1 s for those.
        try socket.set(ZMQ_XPUB_NODROP, options.lossless ? 1 : 0)
        var again = Date().addingTimeInterval(0.1)
        while !liveTopics.isEmpty && left() > 0 {
            try socket.set(ZMQ_RCVTIMEO, min(left(), 20))
            if let frames = try socket.receiveMessage() { noteSubscription(frames) }
            if !options.lossless && Date() >= again {
                _ = try sendFrames(topic, header, endSummary(), flags: ZMQ_DONTWAIT)
                again = Date().addingTimeInterval(0.1)
            }
        }
        // Everything has been read: nothing to linger for.
        if liveTopics.isEmpty { try socket.set(ZMQ_LINGER, 0) }
    }

    /// One line for the end of a run or replay: what was sent, and where drops are counted.
    public var summary: String {
        let s = statistics
        let policy = options.lossless
            ? "lossless: every subscriber received every message"
            : "subscribers too slow to keep up lose messages of their own; each counts them from the sequence numbers (reverie monitor: gaps)"
        return "published \(s.messages) messages (\(s.records) records) on \(boundEndpoint) to \(s.subscriptions) subscription(s), "
            + "\(s.droppedMessages) dropped by the publisher (\(s.droppedRecords) records); \(policy)"
    }

    // MARK: Sending

    private func publish(_ kind: RecordKind, _ payload: UnsafeRawBufferPointer, count: Int) throws {
        let k = Int(kind.rawValue)
        let header = StreamHeader(count: UInt32(count), seq: seq[k], first: first[k]).bytes
        seq[k] += 1
        first[k] += UInt64(count)
        let sent = try recordTopics[k].withUnsafeBytes { topic in
            try header.withUnsafeBytes { h in
                try sendFrames(topic, h, payload, flags: options.lossless ? 0 : ZMQ_DONTWAIT)
            }
        }
        if sent {
            statistics.messages += 1; statistics.records += count
        } else {
            statistics.droppedMessages += 1; statistics.droppedRecords += count
        }
    }

    /// Sends a three-frame message. Only the first frame may be refused (queue
    /// full): once it is accepted the rest is sent blocking, so messages stay whole.
    private func sendFrames(_ topic: UnsafeRawBufferPointer, _ header: UnsafeRawBufferPointer,
                            _ payload: UnsafeRawBufferPointer, flags: Int32) throws -> Bool {
        guard try socket.send(topic, flags: flags | ZMQ_SNDMORE) else { return false }
        guard try socket.send(header, flags: ZMQ_SNDMORE), try socket.send(payload, flags: 0) else {
            throw TransportError.zmq(operation: "zmq_send", reason: "timed out in the middle of a message")
        }
        return true
    }

    private func sendFrames(_ topic: [UInt8], _ header: [UInt8], _ payload: [UInt8], flags: Int32) throws -> Bool {
        try topic.withUnsafeBytes { t in
            try header.withUnsafeBytes { h in try payload.withUnsafeBytes { try sendFrames(t, h, $0, flags: flags) } }
        }
    }

    private func sendRun() throws {
        guard let runJSON else { return }
        let header = StreamHeader(count: 0, seq: runSeq, first: 0).bytes
        runSeq += 1
        _ = try sendFrames(Array(StreamTopic.run.utf8), header, runJSON, flags: options.lossless ? 0 : ZMQ_DONTWAIT)
    }

    private func endSummary() -> [UInt8] {
        func object(_ values: [UInt64]) -> String {
            RecordKind.allCases.sorted { "\($0)" < "\($1)" }
                .map { "\"\(StreamTopic.records($0))\": \(values[Int($0.rawValue)])" }.joined(separator: ", ")
        }
        return Array(("{\"dropped_messages\": \(statistics.droppedMessages), \"dropped_records\": \(statistics.droppedRecords), "
            + "\"messages\": {\(object(seq))}, \"records\": {\(object(first))}}").utf8)
    }

    // MARK: Subscriptions

    /// Reads pending subscription frames; re-sends the run description when a new subscriber arrived.
    private func pollSubscriptions() throws {
        var arrived = false
        while let frames = try socket.receiveMessage(flags: ZMQ_DONTWAIT) {
            if noteSubscription(frames) { arrived = true }
        }
        if arrived { try sendRun() }
    }

    /// Counts a subscription frame (`0x01 topic`: every one, as the socket is verbose) or an
    /// unsubscription (`0x00 topic`: sent when no subscriber is left on the topic); true for a subscription.
    @discardableResult
    private func noteSubscription(_ frames: [[UInt8]]) -> Bool {
        guard let frame = frames.first, let flag = frame.first else { return false }
        let topic = Array(frame.dropFirst())
        if flag == 1 {
            statistics.subscriptions += 1
            liveTopics.insert(topic)
            return true
        }
        if flag == 0 { liveTopics.remove(topic) }
        return false
    }

    private func waitForSubscribers() throws {
        let deadline = Date().addingTimeInterval(options.waitTimeout)
        while statistics.subscriptions < options.waitSubscribers {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else {
                throw TransportError.noSubscribers(endpoint: endpoint.text, expected: options.waitSubscribers,
                                                   got: statistics.subscriptions, seconds: options.waitTimeout)
            }
            try socket.set(ZMQ_RCVTIMEO, Int32(min(left * 1000, 1000).rounded(.up)))
            if let frames = try socket.receiveMessage() { noteSubscription(frames) }
        }
    }
}
