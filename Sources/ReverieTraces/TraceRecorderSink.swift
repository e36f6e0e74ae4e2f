import ReverieKernel

/// Records a run to a trace file (`reverie run --record PATH`): every batch the
/// `SinkHub` delivers becomes one records chunk, keeping only the selected streams,
/// except weight snapshots (consecutive `weight` records with one time), which are
/// gathered across batches — up to `snapshotLimit` records — and written as one
/// compact weight chunk (`TraceWeightBlock`) as soon as the next record shows they
/// ended, or when the run ends.
public final class TraceRecorderSink: SimulationSink {
    /// The most weight records held back for one snapshot chunk (32 MiB).
    public static let snapshotLimit = 1 << 20

    public let path: String
    public let streams: RecordStreams
    public private(set) var writer: TraceWriter?
    private var kept: [TraceRecord] = []
    /// The weight snapshot in progress.
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
        // batch[plain...] is not written yet; the snapshot, when not empty, precedes it.
        var plain = batch.startIndex
        for k in batch.indices {
            let r = batch[k]
            if r.kind == .weight {
                if let first = snapshot.first, first.time != r.time || snapshot.count == Self.snapshotLimit {
                    try writeSnapshot()
                }
                if snapshot.isEmpty { try writer.append(batch[plain..<k]) }
                snapshot.append(r)
                plain = k + 1
            } else if !snapshot.isEmpty {
                try writeSnapshot()
            }
        }
        try writer.append(batch[plain...])
    }

    /// A snapshot of at least `TraceWeightBlock.minimumRun` records as a weight chunk, a shorter one as records.
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
