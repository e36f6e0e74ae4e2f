import XCTest
import Foundation
import ReverieKernel
import ReverieTraces
@testable import ReverieTransport

/// Publisher and subscriber in one process, over ipc:// sockets in a temporary directory.
final class StreamTests: XCTestCase {
    func endpoint() -> String {
        "ipc://" + FileManager.default.temporaryDirectory.appendingPathComponent("rv-\(UUID().uuidString.prefix(12)).sock").path
    }

    let run = RunDescription(modelName: "stream", modelSource: "name: stream\n", seed: 4, timeUnit: "clock",
                             populations: [.init(name: "memory", model: "binary", firstID: 0, size: 50)],
                             phases: ["test"], metrics: ["overlap"])

    /// Batches mixing kinds, as a run delivers them.
    func batches(count: Int = 30, size: Int = 300) -> [[TraceRecord]] {
        var rng = RandomStream(seed: 9)
        return (0..<count).map { b in
            (0..<size).map { k in
                let t = SimTime(Double(b * size + k) * 0.01)
                switch rng.nextInt(below: 10) {
                case 0: return TraceRecord(kind: .metric, time: t, unit: 0, aux: UInt32(k % 3), value: rng.nextUnit())
                case 1, 2: return .weight(pre: NeuronID(k % 50), post: NeuronID(b % 50), rng.nextUnit(), at: t)
                default: return .state(NeuronID(rng.nextInt(below: 50)), rng.nextSpin(), at: t)
                }
            }
        }
    }

    /// Receives on a background thread until `rv.end` (or 20 s), optionally slowly.
    final class Collector: @unchecked Sendable {
        var messages: [StreamMessage] = []
        let done = DispatchSemaphore(value: 0)
        init(_ subscriber: StreamSubscriber, delay: Double = 0) {
            nonisolated(unsafe) let subscriber = subscriber   // handed over to the receiving thread
            Thread.detachNewThread { [self] in
                let deadline = Date().addingTimeInterval(20)
                while Date() < deadline, let m = try? subscriber.next(timeout: 1) {
                    messages.append(m)
                    if m.topic == StreamTopic.end { break }
                    if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                }
                done.signal()
            }
        }
        func wait() -> [StreamMessage] { done.wait(); return messages }
    }

    func publish(_ batches: [[TraceRecord]], to publisher: ZMQPublisherSink) throws {
        try publisher.begin(run)
        for b in batches { try publisher.receive(b[...]) }
        try publisher.end()
    }

    func testSubscriberReceivesExactlyThePublishedRecordsInOrder() throws {
        let ep = endpoint()
        let publisher = try ZMQPublisherSink(endpoint: ep, options: .init(lossless: true, waitSubscribers: 1, waitTimeout: 10))
        let collector = Collector(try StreamSubscriber(endpoint: ep))
        let sent = batches()
        try publish(sent, to: publisher)
        let got = collector.wait()
        XCTAssertEqual(got.first?.topic, StreamTopic.run)
        XCTAssertEqual(try got.first.map { m in try m.payload.withUnsafeBytes { try TraceHeader.decode($0) }.run }, run)
        XCTAssertEqual(got.last?.topic, StreamTopic.end)
        XCTAssertEqual(try got.flatMap { try $0.records() }, sent.flatMap { $0 })
        // One message per run of equal kinds within a batch; per-topic sequence numbers without gaps.
        let runs = sent.map { b in zip(b, b.dropFirst()).filter { $0.kind != $1.kind }.count + 1 }.reduce(0, +)
        XCTAssertEqual(publisher.statistics.messages, runs)
        XCTAssertEqual(publisher.statistics.droppedMessages, 0)
        let monitor = StreamMonitor()
        for m in got { try monitor.consume(m) }
        XCTAssertEqual(monitor.gapMessages, 0)
        XCTAssertEqual(monitor.records, sent.joined().count)
        XCTAssertEqual(monitor.metrics[0]?.count, 3)
    }

    func testReplayPublishesTheLiveRunsFrames() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(getpid()).rvt").path
        let sent = batches()
        // Live: recorder and publisher on the same hub-delivered batches.
        let ep1 = endpoint()
        let live = try ZMQPublisherSink(endpoint: ep1, options: .init(lossless: true, waitSubscribers: 1, waitTimeout: 10))
        let c1 = Collector(try StreamSubscriber(endpoint: ep1))
        let recorder = TraceRecorderSink(path: path)
        try recorder.begin(run)
        try publish(sent, to: live)
        for b in sent { try recorder.receive(b[...]) }
        try recorder.end()
        let liveFrames = c1.wait()
        // Replay of the recorded file.
        let ep2 = endpoint()
        let replay = try ZMQPublisherSink(endpoint: ep2, options: .init(lossless: true, waitSubscribers: 1, waitTimeout: 10))
        let c2 = Collector(try StreamSubscriber(endpoint: ep2))
        try TraceReplayer(trace: try TraceFile(path: path), speed: nil).run(into: replay)
        let replayFrames = c2.wait()
        XCTAssertGreaterThan(liveFrames.count, 100)
        XCTAssertEqual(replayFrames, liveFrames)   // topic, header and payload bytes, including rv.run and rv.end
    }

    func testSlowSubscriberMakesTheDefaultPolicyDropAndCountInsteadOfBlocking() throws {
        let ep = endpoint()
        var options = ZMQPublisherSink.Options(waitSubscribers: 1, waitTimeout: 10)
        options.sendHighWaterMark = 4
        let publisher = try ZMQPublisherSink(endpoint: ep, options: options)
        let collector = Collector(try StreamSubscriber(endpoint: ep), delay: 0.001)
        // Alternating kinds: one message per record.
        let sent = (0..<20_000).map { k in
            k % 2 == 0 ? TraceRecord.state(NeuronID(k % 50), 1, at: SimTime(Double(k)))
                       : TraceRecord(kind: .metric, time: SimTime(Double(k)), unit: 0, aux: 0, value: Double(k))
        }
        try publish([sent], to: publisher)
        let got = collector.wait()
        let s = publisher.statistics
        XCTAssertGreaterThan(s.droppedMessages, 0)
        XCTAssertEqual(s.records + s.droppedRecords, sent.count)
        let monitor = StreamMonitor()
        for m in got { try monitor.consume(m) }
        XCTAssertEqual(monitor.records, s.records)
        // Every dropped message shows as a sequence gap (the tail ones through the end summary).
        XCTAssertEqual(monitor.gapMessages, s.droppedMessages)
        XCTAssertEqual(monitor.gapRecords, UInt64(s.droppedRecords))
        XCTAssertTrue(monitor.endSummary?.contains("\"dropped_messages\": \(s.droppedMessages)") ?? false)
    }

    func testLateSubscriberGetsTheRunDescription() throws {
        let ep = endpoint()
        let publisher = try ZMQPublisherSink(endpoint: ep)
        try publisher.begin(run)
        let subscriber = try StreamSubscriber(endpoint: ep)
        var got: StreamMessage? = nil
        for _ in 0..<200 where got == nil {
            try publisher.receive([TraceRecord]()[...])
            got = try subscriber.next(timeout: 0.02)
        }
        XCTAssertEqual(got?.topic, StreamTopic.run)
        XCTAssertEqual(publisher.statistics.subscriptions, 1)
        try publisher.end()
    }

    func testEndpointErrorsAreClear() throws {
        for (bad, reason) in [("127.0.0.1:5556", "missing '://'"), ("tcp://127.0.0.1", "no port"),
                              ("tcp://127.0.0.1:http", "port 'http'"), ("tcp://:5556", "empty host"),
                              ("udp://127.0.0.1:5556", "unsupported transport 'udp'"), ("ipc://", "empty ipc path")] {
            XCTAssertThrowsError(try ZMQPublisherSink(endpoint: bad)) {
                XCTAssertTrue("\($0)".contains("malformed endpoint '\(bad)'") && "\($0)".contains(reason), "\($0)")
            }
        }
        let first = try ZMQPublisherSink(endpoint: "tcp://127.0.0.1:*")
        XCTAssertTrue(first.boundEndpoint.hasPrefix("tcp://127.0.0.1:"))
        XCTAssertThrowsError(try ZMQPublisherSink(endpoint: first.boundEndpoint)) {
            XCTAssertEqual("\($0)", "cannot publish on '\(first.boundEndpoint)': address already in use (is another run or replay publishing there?)")
        }
        let lonely = try ZMQPublisherSink(endpoint: endpoint(), options: .init(waitSubscribers: 1, waitTimeout: 0.2))
        XCTAssertThrowsError(try lonely.begin(run)) { XCTAssertTrue("\($0)".contains("for 1 subscription(s), got 0")) }
    }
}
