import XCTest
import ReverieKernel
import ReverieTraces

final class TraceRoundTripTests: XCTestCase {
    func testCRC32MatchesZlib() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([]), 0)
        // Slicing-by-8 and the byte loop agree on every length and alignment.
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        bytes.withUnsafeBytes { b in
            for start in 0..<9 {
                let whole = CRC32.checksum(b.baseAddress! + start, count: 200)
                let split = CRC32.checksum(b.baseAddress! + start + 3, count: 197,
                                           continuing: CRC32.checksum(b.baseAddress! + start, count: 3))
                XCTAssertEqual(whole, split)
            }
        }
    }

    func testRecordedTraceReadsBackExactlyWhatTheSinksSaw() throws {
        let path = TraceFixture.temporaryPath("roundtrip.rvt")
        let seen = MemorySink()
        let emitted = try TraceFixture.run(seed: 11, sinks: [seen, TraceRecorderSink(path: path)])
        let trace = try TraceFile(path: path)
        XCTAssertEqual(trace.damage, [])
        XCTAssertTrue(trace.complete)
        XCTAssertEqual(seen.records.count, emitted)
        XCTAssertEqual(trace.allRecords(), seen.records)
        // One chunk per delivered batch, same boundaries.
        XCTAssertEqual(trace.chunks.map(\.count), seen.batchSizes)
        XCTAssertEqual(trace.declaredRecords, UInt64(emitted))
        for kind in RecordKind.allCases { XCTAssertTrue(seen.records.contains { $0.kind == kind }, "\(kind) exercised") }
        XCTAssertEqual(trace.header.run, TraceFixture.description(n: 60, seed: 11))
        XCTAssertEqual(trace.header.recordedStreams, .all)
    }

    func testSameSeedGivesByteIdenticalTraces() throws {
        let a = TraceFixture.temporaryPath("seed-a.rvt"), b = TraceFixture.temporaryPath("seed-b.rvt")
        let c = TraceFixture.temporaryPath("seed-c.rvt")
        try TraceFixture.run(seed: 5, sinks: [TraceRecorderSink(path: a)])
        try TraceFixture.run(seed: 5, sinks: [TraceRecorderSink(path: b)])
        try TraceFixture.run(seed: 6, sinks: [TraceRecorderSink(path: c)])
        let bytesA = try Data(contentsOf: URL(fileURLWithPath: a))
        XCTAssertEqual(bytesA, try Data(contentsOf: URL(fileURLWithPath: b)))
        XCTAssertNotEqual(bytesA, try Data(contentsOf: URL(fileURLWithPath: c)))
    }

    func testSelectedStreamsKeepOnlyTheirKinds() throws {
        let path = TraceFixture.temporaryPath("streams.rvt")
        let seen = MemorySink()
        let streams = try RecordStreams(parsing: "phases, metrics")
        try TraceFixture.run(seed: 3, sinks: [seen, TraceRecorderSink(path: path, streams: streams)])
        let trace = try TraceFile(path: path)
        XCTAssertEqual(trace.damage, [])
        XCTAssertEqual(trace.header.streams, ["phases", "metrics"])
        XCTAssertEqual(trace.allRecords(), seen.records.filter { $0.kind == .phase || $0.kind == .metric })
        XCTAssertThrowsError(try RecordStreams(parsing: "states,volts")) {
            XCTAssertTrue("\($0)".contains("unknown record stream 'volts'"))
        }
    }

    func testRecordLayoutIsLittleEndianAtDocumentedOffsets() {
        var bytes = [UInt8](repeating: 0xff, count: 32)
        let r = TraceRecord(kind: .weight, time: SimTime(1.5), unit: 7, aux: 0x0102_0304, value: -2)
        bytes.withUnsafeMutableBytes { TraceFormat.encode(r, into: $0.baseAddress!) }
        XCTAssertEqual(Array(bytes[0..<8]), [0, 0, 0, 0, 0, 0, 0xf8, 0x3f])   // 1.5
        XCTAssertEqual(Array(bytes[8..<16]), [0, 0, 0, 0, 0, 0, 0, 0xc0])      // -2.0
        XCTAssertEqual(Array(bytes[16..<24]), [7, 0, 0, 0, 4, 3, 2, 1])
        XCTAssertEqual(Array(bytes[24..<32]), [3, 0, 0, 0, 0, 0, 0, 0])
        bytes.withUnsafeBytes { XCTAssertEqual(TraceFormat.decode(from: $0.baseAddress!), r) }
    }
}
