/// A sink that keeps everything in memory: the run description, every record,
/// and the batches as delivered (NEST's "memory" recording backend). For tests,
/// notebooks and small runs.
public final class MemorySink: SimulationSink {
    public private(set) var description: RunDescription?
    public private(set) var records: [TraceRecord] = []
    /// Record counts of the batches in delivery order.
    public private(set) var batchSizes: [Int] = []
    public private(set) var ended = false

    public init() {}

    public func begin(_ run: RunDescription) { description = run }

    public func receive(_ batch: ArraySlice<TraceRecord>) {
        records.append(contentsOf: batch)
        batchSizes.append(batch.count)
    }

    public func end() { ended = true }
}
