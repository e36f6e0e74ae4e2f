import ReverieReport

/// Task results as bytes, for gathering a sweep's results from MPI ranks: every
/// value exactly (doubles as bit patterns), so rank 0 writes what a serial run
/// writes. Little-endian; strings as a length and UTF-8.
extension SweepTask.Result {
    /// `results` (task index, result) and, if this rank failed, its lowest failed task and message.
    static func encode(_ results: [(task: Int, result: SweepTask.Result)], failure: (task: Int, message: String)?) -> [UInt8] {
        var w = ByteWriter()
        w.int(results.count)
        for (task, result) in results {
            w.int(task)
            w.optionalInt(result.found)
            w.int(result.runs.count)
            for run in result.runs {
                w.optionalInt(run.searchValue)
                w.u64(run.seed)
                w.strings(run.phases)
                w.int(run.summaries.count)
                for summary in run.summaries {
                    w.int(summary.count)
                    for (key, value) in summary { w.string(key); w.u64(value.bitPattern) }
                }
                w.int(run.tables.count)
                for table in run.tables {
                    guard let table else { w.u8(0); continue }
                    w.u8(1)
                    w.strings(table.columns)
                    w.int(table.rows.count)
                    for row in table.rows {
                        w.int(row.count)
                        for cell in row {
                            switch cell {
                            case .number(let x): w.u8(0); w.u64(x.bitPattern)
                            case .text(let s): w.u8(1); w.string(s)
                            }
                        }
                    }
                }
            }
        }
        w.u8(failure == nil ? 0 : 1)
        if let failure { w.int(failure.task); w.string(failure.message) }
        return w.bytes
    }

    /// The inverse of `encode` (the bytes come from this program on another rank).
    static func decode(_ bytes: [UInt8]) throws -> (results: [(task: Int, result: SweepTask.Result)], failure: (task: Int, message: String)?) {
        var r = ByteReader(bytes: bytes)
        var results: [(task: Int, result: SweepTask.Result)] = []
        for _ in 0..<(try r.count()) {
            let task = try r.int(), found = try r.optionalInt()
            var runs: [SweepRun] = []
            for _ in 0..<(try r.count()) {
                let searchValue = try r.optionalInt(), seed = try r.u64(), phases = try r.strings()
                var summaries: [[(key: String, value: Double)]] = []
                for _ in 0..<(try r.count()) {
                    var summary: [(key: String, value: Double)] = []
                    for _ in 0..<(try r.count()) { summary.append((try r.string(), Double(bitPattern: try r.u64()))) }
                    summaries.append(summary)
                }
                var tables: [ResultTable?] = []
                for _ in 0..<(try r.count()) {
                    guard try r.u8() == 1 else { tables.append(nil); continue }
                    var table = ResultTable(columns: try r.strings())
                    for _ in 0..<(try r.count()) {
                        var row: [ResultTable.Cell] = []
                        for _ in 0..<(try r.count()) {
                            row.append(try r.u8() == 0 ? .number(Double(bitPattern: try r.u64())) : .text(try r.string()))
                        }
                        table.append(row)
                    }
                    tables.append(table)
                }
                runs.append(SweepRun(searchValue: searchValue, seed: seed, phases: phases, summaries: summaries, tables: tables))
            }
            results.append((task, SweepTask.Result(runs: runs, found: found)))
        }
        let failure = try r.u8() == 1 ? (task: try r.int(), message: try r.string()) : nil
        guard r.atEnd else { throw ByteReader.Malformed() }
        return (results, failure)
    }
}

private struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func int(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
    mutating func optionalInt(_ v: Int?) { u8(v == nil ? 0 : 1); if let v { int(v) } }
    mutating func string(_ s: String) { int(s.utf8.count); bytes += s.utf8 }
    mutating func strings(_ s: [String]) { int(s.count); for x in s { string(x) } }
}

private struct ByteReader {
    struct Malformed: Error, CustomStringConvertible {
        var description: String { "a rank sent malformed sweep results" }
    }
    let bytes: [UInt8]
    var at = 0
    var atEnd: Bool { at == bytes.count }
    mutating func u8() throws -> UInt8 {
        guard at < bytes.count else { throw Malformed() }
        at += 1
        return bytes[at - 1]
    }
    mutating func u64() throws -> UInt64 {
        guard bytes.count - at >= 8 else { throw Malformed() }
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[at + k]) << (8 * k) }
        at += 8
        return v
    }
    mutating func int() throws -> Int { Int(Int64(bitPattern: try u64())) }
    /// A count of items still to read (each at least one byte).
    mutating func count() throws -> Int {
        let n = try int()
        guard n >= 0, n <= bytes.count - at else { throw Malformed() }
        return n
    }
    mutating func optionalInt() throws -> Int? { try u8() == 1 ? try int() : nil }
    mutating func string() throws -> String {
        let n = try count()
        defer { at += n }
        return String(decoding: bytes[at..<at + n], as: UTF8.self)
    }
    mutating func strings() throws -> [String] { try (0..<count()).map { _ in try string() } }
}
