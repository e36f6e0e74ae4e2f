import ReverieKernel

/// Records a run to a trace file (`reverie run --record PATH`): every batch the
/// `SinkHub` delivers becomes one chunk, keeping only the selected streams.
public final class TraceRecorderSink: SimulationSink {
    public let path: String
    public let streams: RecordStreams
    public private(set) var writer: TraceWriter?
    private var kept: [TraceRecord] = []

    public init(path: String, streams: RecordStreams = .all) {
        self.path = path
        self.streams = streams
    }

    public func begin(_ run: RunDescription) throws {
        writer = try TraceWriter(path: path, header: TraceHeader(run: run, streams: streams))
    }

    public func receive(_ records: ArraySlice<TraceRecord>) throws {
        guard let writer else { return }
        if streams == .all { return try writer.append(records) }
        kept.removeAll(keepingCapacity: true)
        for r in records where streams.contains(r.kind) { kept.append(r) }
        try writer.append(kept[...])
    }

    public func end() throws {
        defer { writer = nil }
        try writer?.finish()
    }
}
