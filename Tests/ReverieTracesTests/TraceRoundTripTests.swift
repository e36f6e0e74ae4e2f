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
        // The 60 × 60 weights (a dense matrix, zero diagonal) of the one snapshot in one compact chunk; every other record in plain chunks.
        XCTAssertEqual(trace.chunks.filter(\.type.isWeights).map(\.type), [.weightGrid])
        XCTAssertEqual(trace.chunks.filter(\.type.isWeights).map(\.count), [60 * 60])
        XCTAssertGreaterThan(trace.chunks.count, 5)
        XCTAssertEqual(trace.declaredRecords, UInt64(emitted))
        for kind in RecordKind.allCases { XCTAssertTrue(seen.records.contains { $0.kind == kind }, "\(kind) exercised") }
        XCTAssertEqual(trace.header.run, TraceFixture.description(n: 60, seed: 11))
        XCTAssertEqual(trace.header.recordedStreams, .all)
    }

    /// Weight snapshots: exact 64-bit weights in 8 bytes per synapse for a dense grid
    /// (with or without its diagonal) and 16 for any other set, back as the same records,
    /// one chunk per snapshot whatever the batches; short runs stay plain records in their batch's chunk.
    func testWeightSnapshotsAreCompactAndExact() throws {
        func records(_ pairs: [(UInt32, UInt32)], time: Double) -> [TraceRecord] {
            pairs.enumerated().map { k, p in TraceRecord.weight(pre: NeuronID(p.0), post: NeuronID(p.1), 1 / Double(k + 3), at: SimTime(time)) }
        }
        let grid = records((0..<40).flatMap { j in (0..<50).map { i in (UInt32(100 + j), UInt32(7 + i)) } }, time: 2.5)
        let noSelf = records((0..<30).flatMap { j in (0..<30).compactMap { i in i == j ? nil : (UInt32(j), UInt32(i)) } }, time: 2.75)
        let scattered = records((0..<300).map { (UInt32($0 * 7 % 97), UInt32($0 * 13 % 101)) }, time: 3)
        let short = records([(1, 2), (3, 4)], time: 4)
        let state = TraceRecord.state(NeuronID(5), 1, at: SimTime(4))
        let path = TraceFixture.temporaryPath("weights.rvt")
        let sink = TraceRecorderSink(path: path)
        try sink.begin(TraceFixture.description(n: 60, seed: 1))
        let all = [state] + grid + noSelf + scattered + short + [state]
        // Batches of 97 cut through every snapshot.
        for start in stride(from: 0, to: all.count, by: 97) { try sink.receive(all[start..<min(start + 97, all.count)]) }
        try sink.end()
        let trace = try TraceFile(path: path)
        XCTAssertEqual(trace.damage, [])
        XCTAssertEqual(trace.allRecords(), all)
        XCTAssertEqual(trace.chunks.map(\.type), [.records, .weightGrid, .weightGrid, .weightPairs, .records])
        XCTAssertEqual(trace.chunks.map(\.count), [1, 2000, 870, 300, 3])
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        let header = try TraceHeader(run: TraceFixture.description(n: 60, seed: 1), streams: .all).encoded().count
        // Header, two copies, five chunk headers, the end marker; 8 B per grid weight, 16 per scattered one, 32 per record.
        let padded = (header + 31) / 32 * 32
        XCTAssertEqual(size, 16 + header + 4 + 2 * (32 + padded) + 6 * 32 + (32 + 2000 * 8) + (32 + 870 * 8 + 16) + (32 + 300 * 16)
                       + 4 * 32)
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
