import ReverieKernel

/// A weight snapshot stored compactly (format version 3): a run of `weight`
/// records with one time, as ids and 64-bit weights instead of 32-byte records —
/// 8 bytes per synapse when the run is a grid of pre × post ids in row-major
/// order, complete or without its diagonal (chunk type 4: a dense projection, with
/// or without self-connections), 16 bytes otherwise (type 5).
/// Reading gives back exactly the records that were written.
///
/// Payload: a 32-byte block header `time f64 @0, count u32 @8, layout u32 @12,
/// preFirst u32 @16, preCount u32 @20, postFirst u32 @24, postCount u32 @28`, then
/// for layouts 1 (grid) and 2 (square grid without its diagonal, pre = post ranges)
/// `count` values f64; for layout 0 (pairs) `count` × (pre u32, post u32) then `count`
/// values f64 (the four id fields 0); zero-padded to whole 32-byte blocks. `count`
/// repeats the chunk header's; layouts 1 and 2 are type 4, layout 0 type 5.
public enum TraceWeightBlock {
    /// Runs shorter than this stay plain records.
    public static let minimumRun = 32

    /// Payload bytes of a block of `records` records (padded to 32-byte blocks).
    public static func payloadSize(records: Int, grid: Bool) -> Int {
        (32 + records * (grid ? 8 : 16) + 31) / 32 * 32
    }

    /// The payload for `records` (all `.weight`, one time), padded to 32-byte blocks,
    /// and whether it is a grid (chunk type 4) or pairs (type 5).
    public static func encode(_ records: ArraySlice<TraceRecord>) -> (payload: [UInt8], grid: Bool) {
        precondition(!records.isEmpty && records.allSatisfy { $0.kind == .weight && $0.time == records.first!.time })
        let first = records.first!
        let pres = records.map(\.unit), posts = records.map(\.aux)
        let preFirst = pres.min()!, postFirst = posts.min()!
        let preCount = Int(pres.max()! - preFirst) + 1, postCount = Int(posts.max()! - postFirst) + 1
        var layout: UInt32 = 0
        if preCount * postCount == records.count
            && zip(records, Self.grid(preFirst, preCount, postFirst, postCount)).allSatisfy({ $0.unit == $1.0 && $0.aux == $1.1 }) {
            layout = 1
        } else if preFirst == postFirst && preCount == postCount && preCount * (preCount - 1) == records.count
            && zip(records, Self.offDiagonal(preFirst, preCount)).allSatisfy({ $0.unit == $1.0 && $0.aux == $1.1 }) {
            layout = 2
        }
        let grid = layout != 0
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32 + records.count * (grid ? 8 : 16) + 32)
        append(first.time.value.bitPattern, &bytes)
        append(UInt32(records.count), &bytes)
        append(layout, &bytes)
        append(grid ? preFirst : 0, &bytes)
        append(UInt32(grid ? preCount : 0), &bytes)
        append(grid ? postFirst : 0, &bytes)
        append(UInt32(grid ? postCount : 0), &bytes)
        if !grid { for r in records { append(r.unit, &bytes); append(r.aux, &bytes) } }
        for r in records { append(r.value.bitPattern, &bytes) }
        bytes += [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
        return (bytes, grid)
    }

    /// The records of a chunk's payload, or nil when it is not a valid block of
    /// `count` records in the given layout (other count or layout, ids beyond 2³²,
    /// a non-finite time, nonzero padding).
    public static func decode(_ payload: UnsafeRawBufferPointer, count expected: Int, grid: Bool) -> [TraceRecord]? {
        guard payload.count == payloadSize(records: expected, grid: grid), let p = payload.baseAddress else { return nil }
        let time = Double(bitPattern: p.loadLE64(at: 0))
        let count = Int(p.loadLE32(at: 8)), layout = p.loadLE32(at: 12)
        let preFirst = p.loadLE32(at: 16), preCount = Int(p.loadLE32(at: 20))
        let postFirst = p.loadLE32(at: 24), postCount = Int(p.loadLE32(at: 28))
        guard time.isFinite, count == expected, count > 0, grid ? (layout == 1 || layout == 2) : layout == 0 else { return nil }
        let used = 32 + count * (grid ? 8 : 16)
        guard (used..<payload.count).allSatisfy({ payload[$0] == 0 }) else { return nil }
        var out: [TraceRecord] = []
        out.reserveCapacity(count)
        if grid {
            guard preCount > 0, postCount > 0, UInt64(preFirst) + UInt64(preCount) <= 1 << 32,
                  UInt64(postFirst) + UInt64(postCount) <= 1 << 32 else { return nil }
            if layout == 1 {
                guard preCount.multipliedReportingOverflow(by: postCount) == (count, false) else { return nil }
            } else {
                guard preFirst == postFirst, preCount == postCount, preCount > 1,
                      preCount.multipliedReportingOverflow(by: preCount - 1) == (count, false) else { return nil }
            }
            let ids = layout == 1 ? AnySequence(Self.grid(preFirst, preCount, postFirst, postCount))
                                  : AnySequence(Self.offDiagonal(preFirst, preCount))
            for (k, id) in ids.enumerated() {
                out.append(TraceRecord(kind: .weight, time: SimTime(time), unit: id.0, aux: id.1,
                                       value: Double(bitPattern: p.loadLE64(at: 32 + 8 * k))))
            }
        } else {
            guard preFirst == 0, preCount == 0, postFirst == 0, postCount == 0 else { return nil }
            let values = 32 + 8 * count
            for k in 0..<count {
                out.append(TraceRecord(kind: .weight, time: SimTime(time), unit: p.loadLE32(at: 32 + 8 * k),
                                       aux: p.loadLE32(at: 36 + 8 * k), value: Double(bitPattern: p.loadLE64(at: values + 8 * k))))
            }
        }
        return out
    }

    /// (pre, post) of a `preCount` × `postCount` grid in row-major order.
    private static func grid(_ preFirst: UInt32, _ preCount: Int, _ postFirst: UInt32, _ postCount: Int)
        -> some Sequence<(UInt32, UInt32)> {
        (0..<preCount).lazy.flatMap { i in (0..<postCount).lazy.map { j in (preFirst + UInt32(i), postFirst + UInt32(j)) } }
    }

    /// (pre, post) of an `n` × `n` grid in row-major order without its diagonal.
    private static func offDiagonal(_ first: UInt32, _ n: Int) -> some Sequence<(UInt32, UInt32)> {
        grid(first, n, first, n).lazy.filter { $0.0 != $0.1 }
    }

    private static func append<T: FixedWidthInteger>(_ v: T, _ bytes: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { bytes += $0 }
    }
}
