import XCTest
import ReverieKernel
import ReverieTraces

final class TraceDamageTests: XCTestCase {
    var path = ""
    var original = Data()
    var reference: TraceFile!

    override func setUpWithError() throws {
        path = TraceFixture.temporaryPath("damage-\(name.hashValue).rvt")
        try TraceFixture.run(seed: 21, sinks: [TraceRecorderSink(path: path)])
        original = try Data(contentsOf: URL(fileURLWithPath: path))
        reference = try TraceFile(path: path)
        XCTAssertGreaterThan(reference.chunks.count, 5)
    }

    func damaged(_ edit: (inout Data) -> Void) throws -> TraceFile {
        var bytes = original
        edit(&bytes)
        let p = path + ".damaged"
        try bytes.write(to: URL(fileURLWithPath: p))
        return try TraceFile(path: p)
    }

    /// Bytes of the header copy between the file header and the first record chunk.
    var headerCopySize: Int { 32 + (TraceFixture.headerJSON(path).count + 31) / 32 * 32 }

    func testEveryTruncationKeepsTheChunksWrittenBeforeIt() throws {
        let headerEnd = reference.chunks[0].offset - TraceFormat.chunkHeaderSize
        // Cut at every chunk boundary and at offsets inside chunk headers and payloads.
        var cuts = Set<Int>()
        for c in reference.chunks {
            let start = c.offset - TraceFormat.chunkHeaderSize
            cuts.formUnion([start, start + 3, start + 20, c.offset, c.offset + 5, c.offset + c.size - 1])
        }
        for cut in cuts.sorted() where cut >= headerEnd {
            let trace = try damaged { $0 = $0.prefix(cut) }
            let whole = reference.chunks.filter { $0.offset + $0.size <= cut }
            XCTAssertEqual(trace.chunks, whole, "cut at \(cut)")
            XCTAssertFalse(trace.complete)
            XCTAssertTrue(trace.damage.contains { $0.kind == .noEndMarker })
            let atBoundary = whole.last.map { $0.offset + $0.size == cut } ?? (cut == headerEnd)
            XCTAssertEqual(trace.damage.count, atBoundary ? 1 : 2, "cut at \(cut): \(trace.damage)")
            XCTAssertThrowsError(try trace.requireIntact()) { XCTAssertTrue("\($0)".contains("is damaged")) }
        }
    }

    func testFlippedPayloadByteSkipsOnlyThatChunk() throws {
        let victim = reference.chunks[2]
        let trace = try damaged { $0[victim.offset + 40] ^= 0x10 }
        XCTAssertEqual(trace.chunks, reference.chunks.filter { $0 != victim })
        XCTAssertEqual(trace.damage.map(\.kind), [.payloadChecksum(chunk: 2, records: victim.count)])
        XCTAssertTrue(trace.complete)
    }

    func testFlippedChunkHeaderByteResynchronisesAtTheNextChunk() throws {
        let victim = reference.chunks[3]
        let trace = try damaged { $0[victim.offset - 24] ^= 0x01 }   // the count field
        XCTAssertEqual(trace.chunks.map(\.first), reference.chunks.filter { $0 != victim }.map(\.first))
        XCTAssertEqual(trace.damage.count, 2)
        XCTAssertEqual(trace.damage[0].kind, .unreadableBytes(count: victim.size + 32))
        XCTAssertEqual(trace.damage[1].kind, .missingRecords(from: victim.first, to: victim.first + UInt64(victim.count)))
    }

    func testHeaderProblemsAreClearErrors() throws {
        func message(_ edit: (inout Data) -> Void) -> String {
            do { _ = try damaged(edit); return "no error" } catch { return "\(error)" }
        }
        // The file header alone, without the header copies that would replace it (see TraceHostileTests).
        let headerEnd = reference.chunks[0].offset - 32 - headerCopySize
        XCTAssertTrue(message { $0 = $0.prefix(headerEnd); $0[8] = 9 }.contains("format version 9; this reverie reads versions 1 to 3"))
        XCTAssertTrue(message { $0 = $0.prefix(headerEnd); $0[0] = 0x52 ^ 0xff }.contains("is not a Reverie trace"))
        XCTAssertTrue(message { $0 = Data("time,unit\n0.5,3\n".utf8) }.contains("is not a Reverie trace"))
        XCTAssertTrue(message { $0 = Data() }.contains("is not a Reverie trace"))
        XCTAssertTrue(message { $0 = $0.prefix(30) }.contains("truncated inside its header"))
        XCTAssertTrue(message { $0 = $0.prefix(headerEnd); $0[20] ^= 0x04 }
            .contains("damaged header: header checksum mismatch"))
        XCTAssertThrowsError(try TraceFile(path: path + ".missing")) { XCTAssertTrue("\($0)".contains("no such file")) }
    }

    func testTrailingGarbageAfterEndMarkerIsReported() throws {
        let trace = try damaged { $0.append(contentsOf: [1, 2, 3]) }
        XCTAssertEqual(trace.chunks, reference.chunks)
        XCTAssertEqual(trace.damage.map(\.kind), [.trailingBytes(count: 3)])
    }
}
