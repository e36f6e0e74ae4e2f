import ReverieKernel

/// Records a run to a trace file (`reverie run --record PATH`): every batch the
/// `SinkHub` delivers becomes one records chunk, keeping only the selected streams,
/// except weight snapshots — runs of at least `TraceWeightBlock.minimumRun`
/// consecutive `weight` records with one time — which become compact weight chunks
/// (`TraceWeightBlock`). A snapshot that reaches the end of a batch is held back and
/// continued by the next batches (up to `snapshotLimit` records a chunk), then
/// written as soon as the next record shows it ended, or when the run ends.
public final class TraceRecorderSink: SimulationSink {
    /// The most weight records held back for one snapshot chunk (32 MiB).
    public static let snapshotLimit = 1 << 20

    public let path: String
    public let streams: RecordStreams
    public private(set) var writer: TraceWriter?
    private var kept: [TraceRecord] = []
    /// The weight snapshot in progress (empty, or at least `minimumRun` records of one time).
    private var snapshot: [TraceRecord] = []

    public init(path: String, streams: RecordStreams = .all) {
        self.path = path
        self.streams = streams
    }

    public func begin(_ run: RunDescription) throws {
        writer = try TraceWriter(path: path, header: TraceHeader(run: run, streams: streams))
    }

    public func receive(_ records: ArraySlice<TraceRecord>) throws {
        guard let writer else { return }
        let batch: ArraySlice<TraceRecord>
        if streams == .all {
            batch = records
        } else {
            kept.removeAll(keepingCapacity: true)
            for r in records where streams.contains(r.kind) { kept.append(r) }
            batch = kept[...]
        }
        var k = batch.startIndex
        // The snapshot in progress goes on while the batch starts with its weights.
        if let first = snapshot.first {
            while k < batch.endIndex && batch[k].kind == .weight && batch[k].time == first.time {
                if snapshot.count == Self.snapshotLimit { try writeSnapshot() }
                snapshot.append(batch[k])
                k += 1
            }
            if k == batch.endIndex { return }
            try writeSnapshot()
        }
        // batch[plain..<k] is not written yet.
        var plain = k
        while k < batch.endIndex {
            guard batch[k].kind == .weight else { k += 1; continue }
            var end = k + 1
            while end < batch.endIndex && batch[end].kind == .weight && batch[end].time == batch[k].time { end += 1 }
            if end - k >= TraceWeightBlock.minimumRun {
                try writer.append(batch[plain..<k])
                if end == batch.endIndex {
                    snapshot.append(contentsOf: batch[k..<end])   // may go on in the next batch
                    while snapshot.count > Self.snapshotLimit {
                        try writer.appendWeights(snapshot[..<Self.snapshotLimit])
                        snapshot.removeFirst(Self.snapshotLimit)
                    }
                } else {
                    for from in stride(from: k, to: end, by: Self.snapshotLimit) {
                        try writer.appendWeights(batch[from..<min(from + Self.snapshotLimit, end)])
                    }
                }
                plain = end
            }
            k = end
        }
        try writer.append(batch[plain..<batch.endIndex])
    }

    /// The snapshot in progress as a weight chunk (a remainder shorter than
    /// `TraceWeightBlock.minimumRun` after a full chunk, as records).
    private func writeSnapshot() throws {
        guard let writer, !snapshot.isEmpty else { return }
        if snapshot.count >= TraceWeightBlock.minimumRun { try writer.appendWeights(snapshot[...]) }
        else { try writer.append(snapshot[...]) }
        snapshot.removeAll(keepingCapacity: true)
    }

    public func end() throws {
        defer { writer = nil; snapshot = [] }
        try writeSnapshot()
        try writer?.finish()
    }
}
