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

    /// Receives on a background thread until `rv.end` (or 20 s, or `silence` seconds
    /// without a message), optionally slowly.
    final class Collector: @unchecked Sendable {
        var messages: [StreamMessage] = []
        var error: Error?
        let done = DispatchSemaphore(value: 0)
        init(_ subscriber: StreamSubscriber, delay: Double = 0, silence: Double = 1) {
            nonisolated(unsafe) let subscriber = subscriber   // handed over to the receiving thread
            Thread.detachNewThread { [self] in
                let deadline = Date().addingTimeInterval(20)
                do {
                    while Date() < deadline, let m = try subscriber.next(timeout: silence) {
                        messages.append(m)
                        if m.topic == StreamTopic.end { break }
                        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                    }
                } catch { self.error = error }
                subscriber.close()   // as monitors do at the end, so the publisher's end padding does not wait
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

    /// Records of alternating kinds (one message per record), published in bursts.
    func alternating(_ n: Int) -> [TraceRecord] {
        (0..<n).map { (k: Int) -> TraceRecord in
            let t = SimTime(Double(k))
            if k % 2 == 0 { return TraceRecord.state(NeuronID(k % 50), 1, at: t) }
            return TraceRecord(kind: .metric, time: t, unit: 0, aux: 0, value: Double(k))
        }
    }

    func testASlowSubscriberCostsOnlyItself() throws {
        let ep = endpoint()
        let publisher = try ZMQPublisherSink(endpoint: ep, options: .init(waitSubscribers: 2, waitTimeout: 10))
        let fast = Collector(try StreamSubscriber(endpoint: ep))
        let slow = Collector(try StreamSubscriber(endpoint: ep, receiveHighWaterMark: 10), delay: 0.001)
        let sent = alternating(20_000)
        try publisher.begin(run)
        // 20 messages per millisecond: easy for the fast subscriber, far too many for the slow one.
        for k in stride(from: 0, to: sent.count, by: 20) {
            try publisher.receive(sent[k..<(k + 20)])
            Thread.sleep(forTimeInterval: 0.001)
        }
        try publisher.end()
        let monitors = try [fast.wait(), slow.wait()].map { got in
            let m = StreamMonitor()
            for message in got { try m.consume(message) }
            return m
        }
        XCTAssertEqual(publisher.statistics.droppedMessages, 0)
        XCTAssertEqual(publisher.statistics.messages, sent.count)
        // The fast subscriber got everything, in order.
        XCTAssertNotNil(monitors[0].endSummary)
        XCTAssertEqual(monitors[0].gapMessages, 0)
        XCTAssertNil(fast.error); XCTAssertNil(slow.error)
        XCTAssertTrue(try fast.messages.flatMap { try $0.records() } == sent)
        // The slow one lost most messages, all of them counted (the tail through the end summary).
        XCTAssertNotNil(monitors[1].endSummary)
        XCTAssertGreaterThan(monitors[1].gapMessages, sent.count / 2)
        XCTAssertEqual(monitors[1].records + monitors[1].gapMessages, sent.count)
        XCTAssertEqual(UInt64(monitors[1].records) + monitors[1].gapRecords, UInt64(sent.count))
    }

    func testLosslessSendsEverythingToASlowSubscriber() throws {
        let ep = endpoint()
        var options = ZMQPublisherSink.Options(lossless: true, waitSubscribers: 1, waitTimeout: 10)
        options.sendHighWaterMark = 4
        let publisher = try ZMQPublisherSink(endpoint: ep, options: options)
        let collector = Collector(try StreamSubscriber(endpoint: ep, receiveHighWaterMark: 4), delay: 0.0002)
        let sent = alternating(2_000)
        try publish([sent], to: publisher)
        let got = try collector.wait().flatMap { try $0.records() }
        XCTAssertTrue(got == sent, "\(got.count) of \(sent.count) records")
        XCTAssertTrue(publisher.summary.contains("published 2000 messages (2000 records)"), publisher.summary)
    }

    func testASecondPublisherCannotTakeALiveIPCEndpoint() throws {
        let ep = endpoint()
        let first = try ZMQPublisherSink(endpoint: ep)
        XCTAssertThrowsError(try ZMQPublisherSink(endpoint: ep)) {
            XCTAssertTrue("\($0)".contains("cannot publish on '\(ep)': another process is publishing there"), "\($0)")
        }
        // The first one still has its subscribers.
        try first.begin(run)
        let subscriber = try StreamSubscriber(endpoint: ep)
        var got: StreamMessage? = nil
        for _ in 0..<200 where got == nil {
            try first.receive([TraceRecord]()[...])
            got = try subscriber.next(timeout: 0.02)
        }
        XCTAssertEqual(got?.topic, StreamTopic.run)
        subscriber.close()
        try first.end()
        // Once it is gone the endpoint is free; a stale socket file (a killed publisher) is taken over.
        _ = try ZMQPublisherSink(endpoint: ep)
        let stale = String(endpoint().dropFirst(6))
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { p in p.copyBytes(from: Array(stale.utf8)) }
        XCTAssertEqual(withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }, 0)
        close(fd)
        XCTAssertTrue(FileManager.default.fileExists(atPath: stale))
        XCTAssertNoThrow(try ZMQPublisherSink(endpoint: "ipc://" + stale))
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
        subscriber.close()
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

/// What `reverie monitor` shows (issue 13): the newest metric items, rates in Hz.
final class StreamMonitorTests: XCTestCase {
    func message(_ topic: String, _ records: [TraceRecord], seq: UInt64, first: UInt64) throws -> StreamMessage {
        var payload = [UInt8](repeating: 0, count: records.count * TraceFormat.recordSize)
        payload.withUnsafeMutableBytes { b in records.withUnsafeBufferPointer { TraceFormat.encode($0, into: b.baseAddress!) } }
        return try StreamMessage(frames: [Array(topic.utf8), StreamHeader(count: UInt32(records.count), seq: seq, first: first).bytes, payload])
    }

    func monitor(_ run: RunDescription) throws -> StreamMonitor {
        let m = StreamMonitor()
        try m.consume(StreamMessage(frames: [Array(StreamTopic.run.utf8), StreamHeader(count: 0, seq: 0, first: 0).bytes,
                                             try TraceHeader(run: run, streams: .all).encoded()]))
        return m
    }

    func testMetricLinesShowTheNewestItems() throws {
        let m = try monitor(RunDescription(modelName: "m", modelSource: "", seed: 1, timeUnit: "clock period",
                                           populations: [], phases: [], metrics: ["fraction_stable"]))
        // One value per dream, 2000 dreams; the last is 1.0.
        let records = (0..<2000).map { TraceRecord(kind: .metric, time: SimTime(Double($0)), unit: 0, aux: UInt32($0), value: Double($0 + 1) / 2000) }
        try m.consume(message(StreamTopic.records(.metric), records, seq: 0, first: 0))
        let line = try XCTUnwrap(m.window(seconds: 1).first { $0.contains("fraction_stable") })
        XCTAssertTrue(line.hasSuffix("1999:1.000"), line)
        XCTAssertTrue(line.contains("(2000 items): mean 0.500 [0.001, 1.000]; latest 1992:"), line)
        XCTAssertFalse(line.contains(" 0:0.001"), line)
    }

    func testSpikingRatesArePrintedInHertz() throws {
        let m = try monitor(RunDescription(modelName: "lif", modelSource: "", seed: 1, timeUnit: "ms",
                                           populations: [.init(name: "exc", model: "lif", firstID: 0, size: 10),
                                                         .init(name: "mem", model: "lif", firstID: 10, size: 5)],
                                           phases: [], metrics: []))
        // 10 units, 50 spikes in 0 ... 250 ms: 20 Hz; voltage samples (state records) are not spikes.
        var records = (0...50).map { TraceRecord.spike(NeuronID($0 % 10), at: SimTime(Double($0) * 5)) }
        records.removeLast()
        records.append(.state(NeuronID(12), -60, at: SimTime(250)))
        try m.consume(message(StreamTopic.records(.spike), Array(records.dropLast()), seq: 0, first: 0))
        try m.consume(message(StreamTopic.records(.state), [records.last!], seq: 0, first: 0))
        let lines = m.window(seconds: 1)
        let exc = try XCTUnwrap(lines.first { $0.contains("exc") })
        XCTAssertTrue(exc.hasSuffix(" 20 Hz (spikes per unit per second)"), exc)
        let mem = try XCTUnwrap(lines.first { $0.contains("mem") })
        XCTAssertTrue(mem.hasSuffix("changes per unit per ms"), mem)
    }

    func testCraftedSequenceNumbersDoNotTrap() throws {
        let m = StreamMonitor()
        let r = [TraceRecord.state(NeuronID(0), 1, at: SimTime(1))]
        for (seq, first) in [(UInt64(5), UInt64(100)), (UInt64.max, UInt64.max), (UInt64.max, 0), (3, UInt64.max - 1)] {
            try m.consume(message(StreamTopic.records(.state), r, seq: seq, first: first))
        }
        try m.consume(StreamMessage(frames: [Array(StreamTopic.end.utf8), StreamHeader(count: 0, seq: 0, first: 0).bytes,
                                             Array(#"{"messages": {"rv.state": -4, "rv.spike": 9223372036854775807}, "records": {"rv.state": -1, "rv.spike": 3}}"#.utf8)]))
        XCTAssertEqual(m.records, 4)
        XCTAssertEqual(m.gapMessages, Int.max)
    }

    func testAbsurdRunDescriptionsAreMalformedMessages() throws {
        let m = StreamMonitor()
        var header = TraceHeader(run: RunDescription(modelName: "m", modelSource: "", seed: 1, timeUnit: "ms",
                                                     populations: [.init(name: "a", model: "lif", firstID: 0, size: Int.max)],
                                                     phases: [], metrics: []), streams: .all)
        header.version = 2
        XCTAssertThrowsError(try m.consume(StreamMessage(frames: [Array(StreamTopic.run.utf8), StreamHeader(count: 0, seq: 0, first: 0).bytes,
                                                                 try header.encoded()]))) {
            XCTAssertTrue("\($0)".contains("run.populations[0].size is \(Int.max)"), "\($0)")
        }
    }
}
