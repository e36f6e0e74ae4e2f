import Foundation
import LibFuzzerDriver
import ReverieTraces

/// One input: the bytes of a trace file, read twice: as they are (random damage,
/// nearly always caught by a checksum), and with every checksum and run tag
/// recomputed (`sealed`), so that mutations reach the header fields, chunk indices
/// and records that only a crafted, checksum-valid file can carry. Everything a
/// command does with a trace must end in a result or a thrown error: scanning with
/// recovery, the damage report, every record of the intact chunks, each export.
@main
enum FuzzTraceReader {
    static func main() { runLibFuzzer(testOneInput) }
}

/// libFuzzer's per-input callback (also the symbol its runtime links against).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ input: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let input else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: input, count: count))
    read(bytes)
    read(sealed(bytes))
    return 0
}

func read(_ bytes: [UInt8]) {
    guard let trace = try? TraceFile(data: Data(bytes), path: "fuzz.rvt") else { return }
    _ = trace.damage.map(\.description)
    _ = try? trace.requireIntact()
    let records = trace.allRecords()
    precondition(records.count == trace.recordCount, "records of intact chunks do not add up")
    precondition(zip(trace.chunks, trace.chunks.dropFirst()).allSatisfy { $0.first + UInt64($0.count) <= $1.first },
                 "chunks overlap or are out of record order")
    let exporter = TraceExporter(trace: trace)
    _ = exporter.csv(kinds: .all)
    for events in TraceExporter.Events.allCases {
        if let columns = try? exporter.columns(events: events) { _ = TraceExporter.sonataCSV(columns) }
    }
    for p in trace.header.run.populations.prefix(3) { _ = try? exporter.columns(events: .spikes, population: p.name) }
}

/// `bytes` with the header CRC, and every chunk's payload CRC, run tag and header CRC,
/// recomputed along the chunk walk of traces/FORMAT.md (`pos += 32 + payload size`, from the
/// chunk's type and count by `TraceChunkHeader.payloadSize`; 32 × count for an unknown type).
func sealed(_ bytes: [UInt8]) -> [UInt8] {
    var b = bytes
    guard b.count >= 20 else { return b }
    func u32(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 | Int(b[at + 3]) << 24 }
    func store(_ v: UInt32, _ at: Int) { for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
    let length = u32(12)
    guard length <= b.count - 20 else { return b }
    let tag = CRC32.checksum(Array(b[16..<(16 + length)]))
    store(tag, 16 + length)
    var pos = 20 + length
    while pos + 32 <= b.count {
        let type = TraceChunkHeader.ChunkType(rawValue: UInt32(u32(pos + 4))), count = u32(pos + 8)
        let payload = type.map { TraceChunkHeader(type: $0, count: UInt32(count), payloadCRC: 0, first: 0, run: 0).payloadSize } ?? 32 * count
        guard payload <= b.count - pos - 32 else { break }
        store(CRC32.checksum(Array(b[(pos + 32)..<(pos + 32 + payload)])), pos + 12)
        store(tag, pos + 24)
        store(CRC32.checksum(Array(b[pos..<(pos + 28)])), pos + 28)
        pos += 32 + payload
    }
    return b
}
