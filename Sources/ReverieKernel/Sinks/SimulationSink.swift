/// What a sink learns about a run before the first record: enough to label every
/// record (trace headers, monitors).
public struct RunDescription: Sendable, Codable, Equatable {
    public struct Population: Sendable, Codable, Equatable {
        public var name: String
        public var model: String
        public var firstID: UInt32
        public var size: Int
        public init(name: String, model: String, firstID: UInt32, size: Int) {
            self.name = name; self.model = model; self.firstID = firstID; self.size = size
        }
    }
    public var modelName: String
    /// The model file's text as run (after `--set` overrides), so a trace is self-describing.
    public var modelSource: String
    public var seed: UInt64
    public var timeUnit: String
    public var populations: [Population]
    /// Phase names by index (`RecordKind.phase` records refer to these).
    public var phases: [String]
    /// Metric names by code (`RecordKind.metric` records refer to these).
    public var metrics: [String]

    public init(modelName: String, modelSource: String, seed: UInt64, timeUnit: String,
                populations: [Population], phases: [String], metrics: [String]) {
        self.modelName = modelName; self.modelSource = modelSource; self.seed = seed
        self.timeUnit = timeUnit; self.populations = populations; self.phases = phases
        self.metrics = metrics
    }
}

/// An observer of a run: recorders, publishers, monitors. Sinks receive copies
/// of records and have no handle on the simulation, so they cannot mutate it.
public protocol SimulationSink: AnyObject {
    func begin(_ run: RunDescription) throws
    /// Records in the order the simulation produced them: a read-only,
    /// bounds-checked view of the hub's batch (copy what you keep).
    func receive(_ records: ArraySlice<TraceRecord>) throws
    /// Called once at the end of the run (also after an error): flush and close.
    func end() throws
}

/// Fans records out to sinks in batches. Emitting costs one branch when no sink
/// listens. A sink error stops delivery to all sinks and is reported by `flush`.
public final class SinkHub {
    public private(set) var sinks: [any SimulationSink] = []
    @exclusivity(unchecked) @usableFromInline var buffer: [TraceRecord] = []
    @usableFromInline let batchSize: Int
    public private(set) var failure: Error?
    var flushed = 0
    /// Records emitted so far (including those not yet flushed).
    public var emitted: Int { flushed + buffer.count }

    public init(batchSize: Int = 8192) {
        self.batchSize = batchSize
        buffer.reserveCapacity(batchSize)
    }

    @inlinable public var isActive: Bool { !sinks.isEmpty }

    public func add(_ sink: any SimulationSink) { sinks.append(sink) }

    public func begin(_ run: RunDescription) throws {
        for s in sinks { try s.begin(run) }
    }

    @inlinable
    public func emit(_ record: TraceRecord) {
        guard isActive else { return }
        buffer.append(record)
        if buffer.count >= batchSize { flushQuietly() }
    }

    @usableFromInline func flushQuietly() {
        do { try flush() } catch { failure = failure ?? error; buffer.removeAll(keepingCapacity: true) }
    }

    /// Delivers buffered records; rethrows the first sink failure seen.
    public func flush() throws {
        if let failure { buffer.removeAll(keepingCapacity: true); throw failure }
        guard !buffer.isEmpty else { return }
        flushed += buffer.count
        defer { buffer.removeAll(keepingCapacity: true) }
        let batch = buffer[...]
        for s in sinks { try s.receive(batch) }
    }

    /// Flushes and ends every sink; every sink is ended even if one fails.
    public func end() throws {
        var first: Error? = nil
        do { try flush() } catch { first = error }
        for s in sinks {
            do { try s.end() } catch { first = first ?? error }
        }
        sinks.removeAll()
        if let first { throw first }
    }
}
