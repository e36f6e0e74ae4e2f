import XCTest
import ReverieKernel
import ReverieTraces

/// Crafted and damaged traces (issue 14): every intact chunk of the run comes back
/// exactly once, foreign and repeated chunks are reported, ranges are exact, a
/// damaged header is replaced by its copy, and nothing traps.
final class TraceHostileTests: XCTestCase {
    var path = ""
    var original = Data()
    var reference: TraceFile!

    override func setUpWithError() throws {
        path = TraceFixture.temporaryPath("hostile-\(name.hashValue).rvt")
        try TraceFixture.run(seed: 21, sinks: [TraceRecorderSink(path: path)])
        original = try Data(contentsOf: URL(fileURLWithPath: path))
        reference = try TraceFile(path: path)
        XCTAssertTrue(reference.isIntact)
        XCTAssertGreaterThan(reference.chunks.count, 5)
    }

    func open(_ bytes: Data, _ tag: String = "x") throws -> TraceFile {
        try TraceFile(path: try TraceFixture.write(bytes, "hostile-\(name.hashValue)-\(tag).rvt"))
    }

    func chunkBytes(_ c: TraceFile.Chunk) -> Data { original[(c.offset - 32)..<(c.offset + c.size)] }

    /// Every range in a damage report runs forwards.
    func assertRangesForward(_ trace: TraceFile, file: StaticString = #filePath, line: UInt = #line) {
        for d in trace.damage {
            switch d.kind {
            case let .missingRecords(a, b), let .duplicateRecords(a, b), let .overlappingRecords(a, b), let .outOfOrder(a, b):
                XCTAssertLessThan(a, b, "\(d)", file: file, line: line)
            default: break
            }
        }
    }

    // MARK: Resynchronisation

    func testOneByteDeletedInsideAPayloadLosesOnlyThatChunk() throws {
        let victim = reference.chunks[2]
        var bytes = original
        bytes.remove(at: victim.offset + 40)
        let trace = try open(bytes)
        XCTAssertEqual(trace.chunks.map(\.first), reference.chunks.filter { $0 != victim }.map(\.first))
        XCTAssertEqual(trace.damage.map(\.kind), [.payloadChecksum(chunk: 2, records: victim.count)])
        XCTAssertTrue(trace.complete)
    }

    func testBytesInsertedInsideAPayloadLoseOnlyThatChunk() throws {
        let victim = reference.chunks[4]
        var bytes = original
        bytes.insert(contentsOf: [7, 7, 7], at: victim.offset + 100)
        let trace = try open(bytes)
        XCTAssertEqual(trace.chunks.map(\.first), reference.chunks.filter { $0 != victim }.map(\.first))
        XCTAssertEqual(trace.damage.map(\.kind), [.payloadChecksum(chunk: 4, records: victim.count)])
    }

    func testDuplicatedChunkIsReportedAndReadOnce() throws {
        let victim = reference.chunks[2]
        var bytes = original
        bytes.insert(contentsOf: chunkBytes(victim), at: victim.offset + victim.size)
        let trace = try open(bytes)
        XCTAssertEqual(trace.allRecords(), reference.allRecords())
        let range = victim.first..<(victim.first + UInt64(victim.count))
        XCTAssertEqual(trace.damage.map(\.kind), [.duplicateRecords(from: range.lowerBound, to: range.upperBound)])
        XCTAssertTrue(trace.damage[0].description.contains("repeats records \(range.lowerBound)..<\(range.upperBound)"))
        XCTAssertEqual(TraceExporter(trace: trace).csv(kinds: .all), TraceExporter(trace: reference).csv(kinds: .all))
    }

    func testSwappedChunksAreReadInRecordOrder() throws {
        let a = reference.chunks[2], b = reference.chunks[3]
        var bytes = original
        bytes.replaceSubrange((a.offset - 32)..<(b.offset + b.size), with: chunkBytes(b) + chunkBytes(a))
        let trace = try open(bytes)
        XCTAssertEqual(trace.allRecords(), reference.allRecords())
        XCTAssertEqual(trace.damage.map(\.kind), [.outOfOrder(from: a.first, to: a.first + UInt64(a.count))])
        assertRangesForward(trace)
    }

    func testEndMarkerMovedBeforeIntactChunksHidesNone() throws {
        var bytes = original
        let marker = bytes.suffix(32)
        bytes.removeLast(32)
        let third = reference.chunks[3]
        bytes.insert(contentsOf: marker, at: third.offset - 32)
        let trace = try open(bytes)
        XCTAssertEqual(trace.allRecords(), reference.allRecords())
        XCTAssertTrue(trace.complete)
        let after = reference.chunks.dropFirst(3)
        XCTAssertEqual(trace.damage.map(\.kind), [.afterEndMarker(chunks: after.count, records: after.map(\.count).reduce(0, +))])
    }

    func testMissingRangesAreExact() throws {
        // Chunks 1 and 2 cut out, chunk 4 damaged, the end marker kept.
        let c = reference.chunks
        var bytes = original
        bytes[c[4].offset + 7] ^= 0x80
        bytes.removeSubrange((c[1].offset - 32)..<(c[2].offset + c[2].size))
        let trace = try open(bytes)
        XCTAssertEqual(trace.damage.map(\.kind), [
            .missingRecords(from: c[1].first, to: c[3].first),
            .payloadChecksum(chunk: 2, records: c[4].count),
        ])
        assertRangesForward(trace)
    }

    // MARK: Foreign chunks

    func testTwoTracesConcatenatedKeepTheFirstAndReportTheSecond() throws {
        let other = TraceFixture.temporaryPath("hostile-other-\(name.hashValue).rvt")
        try TraceFixture.run(seed: 22, sinks: [TraceRecorderSink(path: other)])
        let second = try Data(contentsOf: URL(fileURLWithPath: other))
        let trace = try open(original + second)
        XCTAssertEqual(trace.allRecords(), reference.allRecords())
        let otherTrace = try TraceFile(path: other)
        XCTAssertEqual(trace.damage.count, 2, "\(trace.damage)")
        guard trace.damage.count == 2 else { return }
        XCTAssertEqual(trace.damage[0].offset, original.count)
        guard case .anotherTrace = trace.damage[0].kind else { return XCTFail("\(trace.damage[0])") }
        // The second trace's header copies, record chunks and end marker.
        XCTAssertEqual(trace.damage[1].kind, .foreignChunks(count: otherTrace.chunks.count + 3, records: otherTrace.recordCount,
                                                            run: otherTrace.runTag))
    }

    func testTheSameRunTwiceReportsTheRepeat() throws {
        let trace = try open(original + original)
        XCTAssertEqual(trace.allRecords(), reference.allRecords())
        XCTAssertEqual(trace.damage.map(\.kind).count, 3, "\(trace.damage)")
        XCTAssertEqual(trace.damage[1].kind, .duplicateRecords(from: 0, to: UInt64(reference.recordCount)))
        XCTAssertEqual(trace.damage[2].kind, .extraEndMarker(declared: UInt64(reference.recordCount)))
    }

    func testHeaderOfOneRunWithChunksOfAnotherVerifiesAsDamaged() throws {
        let other = TraceFixture.temporaryPath("hostile-other-\(name.hashValue).rvt")
        try TraceFixture.run(seed: 22, sinks: [TraceRecorderSink(path: other)])
        let otherTrace = try TraceFile(path: other)
        let otherBytes = try Data(contentsOf: URL(fileURLWithPath: other))
        let headerEnd = 20 + TraceFixture.headerJSON(path).count
        let otherHeaderEnd = 20 + TraceFixture.headerJSON(other).count
        let trace = try open(original.prefix(headerEnd) + otherBytes.dropFirst(otherHeaderEnd))
        XCTAssertEqual(trace.chunks, [])
        XCTAssertEqual(trace.damage.map(\.kind), [
            .foreignChunks(count: otherTrace.chunks.count + 3, records: otherTrace.recordCount, run: otherTrace.runTag),
            .noEndMarker,
        ])
        XCTAssertThrowsError(try trace.requireIntact())
    }

    // MARK: Header

    func testOneFlippedBitInTheJSONHeaderIsRecoveredFromItsCopy() throws {
        let json = TraceFixture.headerJSON(path)
        for k in stride(from: 0, to: json.count, by: max(1, json.count / 40)) {
            var bytes = original
            bytes[16 + k] ^= UInt8(1 << (k % 8))
            let trace = try open(bytes, "bit\(k)")
            XCTAssertEqual(trace.header, reference.header)
            XCTAssertEqual(trace.allRecords(), reference.allRecords(), "bit flipped in header byte \(k)")
            guard case .damagedHeader = trace.damage.first?.kind, trace.damage.count == 1 else { return XCTFail("\(trace.damage)") }
            XCTAssertThrowsError(try trace.requireIntact()) { XCTAssertTrue("\($0)".contains("file header is damaged"), "\($0)") }
        }
    }

    func testDamagedHeaderAndFirstCopyFallBackToTheLastCopy() throws {
        var bytes = original
        bytes[20] ^= 0x01                                 // the JSON header
        bytes[reference.chunks[0].offset - 40] ^= 0x01    // the first copy, just before the first record chunk
        bytes[8] ^= 0x04                                  // and the version field
        let trace = try open(bytes)
        XCTAssertEqual(trace.allRecords(), reference.allRecords())
        XCTAssertEqual(trace.header, reference.header)
        guard case let .damagedHeader(_, copy)? = trace.damage.first?.kind else { return XCTFail("\(trace.damage)") }
        XCTAssertGreaterThan(copy, reference.chunks.last!.offset)
    }

    func testADamagedMagicIsRecoveredButAnotherFileIsNotATrace() throws {
        var bytes = original
        bytes[2] ^= 0x20
        let trace = try open(bytes, "magic")
        XCTAssertEqual(trace.allRecords(), reference.allRecords())
        XCTAssertEqual(trace.damage.first?.description.contains("its magic is damaged"), true, "\(trace.damage)")
        // Not a trace: the bytes after the first 8 are not searched for header copies.
        XCTAssertThrowsError(try open(Data("NOTATRACE".utf8) + original.dropFirst(8), "other")) {
            XCTAssertTrue("\($0)".contains("is not a Reverie trace"), "\($0)")
        }
    }

    func testAbsurdHeadersAreRejectedNamingTheField() throws {
        func message(_ edit: (inout RunDescription) -> Void) throws -> String {
            var header = reference.header
            edit(&header.run)
            let data = TraceFixture.file(json: try header.encoded(), chunks: [])
            do { _ = try open(data, "absurd"); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(try message { $0.populations[0].size = Int.max }.contains("run.populations[0].size is \(Int.max)"))
        XCTAssertTrue(try message { $0.populations[0].size = -1 }.contains("run.populations[0].size is -1"))
        XCTAssertTrue(try message { $0.populations[1].firstID = UInt32.max; $0.populations[1].size = 2 }
            .contains("run.populations[1].size is 2, expected 0 ... 1"))
        XCTAssertTrue(try message { $0.populations[1].name = $0.populations[0].name }.contains("run.populations[1].name is a second 'left'"))
        XCTAssertTrue(try message { $0.populations[1].firstID = 3 }.contains("run.populations[1].firstID is 3, expected ids disjoint"))
    }

    // MARK: Chunks with crafted numbers

    func testChunkIndexNearTwoTo64IsReportedNotATrap() throws {
        let json = TraceFixture.headerJSON(path)
        let tag = CRC32.checksum(json)
        let r = TraceRecord.state(NeuronID(1), 1, at: SimTime(1))
        let trace = try open(TraceFixture.file(json: json, chunks: [
            TraceFixture.chunk(records: [r, r], first: 0, run: tag),
            TraceFixture.chunk(records: [r, r, r], first: UInt64.max - 1, run: tag),
            TraceFixture.chunk(records: [r], first: UInt64.max - 1, run: tag),
            TraceFixture.chunk(.end, first: UInt64.max, run: tag),
        ]))
        XCTAssertEqual(trace.damage.map(\.kind), [
            .indexOverflow(chunk: 1),
            .missingRecords(from: 2, to: UInt64.max - 1),
            .missingRecords(from: UInt64.max, to: UInt64.max),
        ].filter { if case let .missingRecords(a, b) = $0 { return a < b }; return true })
        XCTAssertEqual(trace.recordCount, 3)
        assertRangesForward(trace)
    }

    func testNonFiniteRecordTimesMakeTheirChunkInvalid() throws {
        let json = TraceFixture.headerJSON(path)
        let tag = CRC32.checksum(json)
        for t in [-Double.infinity, .infinity, .nan] {
            let bad = TraceRecord.spike(NeuronID(3), at: SimTime(t))
            let trace = try open(TraceFixture.file(json: json, chunks: [
                TraceFixture.chunk(records: [.spike(NeuronID(1), at: SimTime(2))], first: 0, run: tag),
                TraceFixture.chunk(records: [bad], first: 1, run: tag),
                TraceFixture.chunk(.end, first: 2, run: tag),
            ]))
            XCTAssertEqual(trace.damage.map(\.kind), [.invalidRecords(chunk: 1)], "time \(t)")
            XCTAssertEqual(trace.allRecords().map(\.time.value), [2])
        }
    }

    func testVersion1TracesStillRead() throws {
        let v1 = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("traces/samples/v1/recall.rvt").path
        let trace = try TraceFile(path: v1)
        XCTAssertEqual(trace.version, 1)
        XCTAssertEqual(trace.runTag, 0)
        XCTAssertTrue(trace.isIntact, "\(trace.damage)")
        XCTAssertGreaterThan(trace.recordCount, 100)
        XCTAssertEqual(trace.declaredRecords, UInt64(trace.recordCount))
    }

    // MARK: Files that are not traces

    func testDirectoriesDevicesFIFOsAndLoopsAreClearErrors() throws {
        let dir = TraceFixture.temporaryPath("hostile-dir-\(name.hashValue)")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let fifo = dir + "/fifo.rvt", loop = dir + "/loop.rvt", empty = dir + "/empty.rvt"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        func message(_ p: String) -> String {
            do { _ = try TraceFile(path: p); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message(dir), "cannot open '\(dir)': is a directory, not a trace file")
        XCTAssertEqual(message("/dev/null"), "cannot open '/dev/null': is a character device, not a trace file")
        XCTAssertEqual(message(fifo), "cannot open '\(fifo)': is a FIFO (named pipe), not a trace file")   // and does not block
        XCTAssertEqual(message(loop), "cannot open '\(loop)': too many levels of symbolic links (a symlink loop?)")
        XCTAssertEqual(message(dir + "/none.rvt"), "cannot open '\(dir)/none.rvt': no such file")
        XCTAssertTrue(message(empty).contains("is not a Reverie trace"))
        // Writing: a directory or a FIFO without a reader is refused at once.
        let header = reference.header
        XCTAssertThrowsError(try TraceWriter(path: dir, header: header)) { XCTAssertEqual("\($0)", "cannot write '\(dir)': is a directory, not a file") }
        XCTAssertThrowsError(try TraceWriter(path: fifo, header: header)) { XCTAssertTrue("\($0)".contains("is a FIFO or socket"), "\($0)") }
        XCTAssertThrowsError(try TraceWriter(path: dir + "/no/such.rvt", header: header)) {
            XCTAssertEqual("\($0)", "cannot write '\(dir)/no/such.rvt': its directory does not exist")
        }
    }

    // MARK: Export

    func testPopulationNamesNeverBecomePaths() throws {
        let names = ["../escaped", "/", "", ".", "..", "a\u{0}b", String(repeating: "n", count: 300), "x y", "a/b", "a_b", "ok"]
        var header = reference.header
        header.run.populations = names.enumerated().map { .init(name: $1, model: "binary", firstID: UInt32($0 * 10), size: 10) }
        let json = try header.encoded()
        let tag = CRC32.checksum(json)
        let spikes = (0..<names.count).map { TraceRecord.spike(NeuronID($0 * 10 + 1), at: SimTime(Double($0))) }
        let trace = try open(TraceFixture.file(json: json, chunks: [TraceFixture.chunk(records: spikes, first: 0, run: tag),
                                                                    TraceFixture.chunk(.end, first: UInt64(spikes.count), run: tag)]))
        XCTAssertTrue(trace.isIntact, "\(trace.damage)")
        let parent = TraceFixture.temporaryPath("hostile-export-\(name.hashValue)")
        try? FileManager.default.removeItem(atPath: parent)
        let out = parent + "/out/deeper"
        let columns = try TraceExporter(trace: trace).columns(events: .spikes)
        try TraceExporter.writeSonataNPY(columns, directory: out)
        // Only `out` exists in the parent, and `out` holds one directory per population.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), ["out"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent + "/out"), ["deeper"])
        let dirs = try FileManager.default.contentsOfDirectory(atPath: out)
        XCTAssertEqual(dirs.count, names.count)
        XCTAssertEqual(Set(dirs), Set(columns.map(\.exportName)))
        for d in dirs {
            XCTAssertFalse(d.isEmpty || d.hasPrefix(".") || d.contains("/") || d.utf8.count > ExportName.maxBytes, d)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out + "/" + d).sorted(), ["node_ids.npy", "timestamps.npy"])
        }
        XCTAssertEqual(columns.map(\.nodeIDs), names.map { _ in [1] })
        // One token per population in the SONATA CSV.
        for line in TraceExporter.sonataCSV(columns).split(separator: "\n").dropFirst() {
            XCTAssertEqual(line.split(separator: " ", omittingEmptySubsequences: false).count, 3, String(line))
        }
        XCTAssertEqual(ExportName.unique(["a/b", "a_b", "a_b-2"]), ["a_b", "a_b-2", "a_b-2-2"])
    }

    func testExportDoesNotWriteThroughASymbolicLink() throws {
        let parent = TraceFixture.temporaryPath("hostile-link-\(name.hashValue)")
        try? FileManager.default.removeItem(atPath: parent)
        try FileManager.default.createDirectory(atPath: parent + "/out", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: parent + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: parent + "/out/left", withDestinationPath: parent + "/elsewhere")
        let columns = try TraceExporter(trace: reference).columns(events: .changes)
        XCTAssertThrowsError(try TraceExporter.writeSonataNPY(columns, directory: parent + "/out")) {
            XCTAssertTrue("\($0)".contains("is a symbolic link, not a directory; refusing to write through it"), "\($0)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent + "/elsewhere"), [])
    }
}
