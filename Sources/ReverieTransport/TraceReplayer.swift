import Foundation
import ReverieKernel
import ReverieTraces

/// Streams a recorded trace through a publisher as the live run did: each intact
/// records chunk is delivered as one batch (the recorder wrote one chunk per batch),
/// so the published frames are the live run's frames; a weight snapshot (gathered
/// across batches into one chunk) is delivered in batches of at most `batchSize`
/// records, so its records are the live run's but its messages may be cut elsewhere.
public struct TraceReplayer {
    public let trace: TraceFile
    /// Wall seconds per unit of simulated time at speed 1 (1 ms for traces in ms, else 1 s).
    public var secondsPerTimeUnit: Double
    /// A factor of real time, or nil for as fast as possible.
    public var speed: Double?
    /// The longest wait between two chunks, in wall seconds: longer idle stretches
    /// of the trace are shortened to it (record times are sent unchanged).
    public var maxPause: Double
    /// The largest batch a weight snapshot is delivered in (the live runs' batch size).
    public var batchSize = 8192

    public init(trace: TraceFile, speed: Double?, maxPause: Double = 10) {
        self.trace = trace
        self.speed = speed
        self.maxPause = maxPause
        secondsPerTimeUnit = trace.header.run.timeUnit == "ms" ? 0.001 : 1
    }

    /// Begins `sink` with the trace's run description, delivers every chunk (paced
    /// by the time of its first record) and ends it.
    public func run(into sink: any SimulationSink) throws {
        try sink.begin(trace.header.run)
        // Chunk k is due at `start + (t_k − t_0) / speed` wall seconds, minus the idle time cut so far.
        let start = Date()
        var origin: Double? = nil
        var skipped = 0.0
        do {
            try trace.forEachChunk { chunk, records in
                if let speed, let t = records.first?.time.value {
                    let t0 = origin ?? t
                    origin = t0
                    let wait = (t - t0) * secondsPerTimeUnit / speed - skipped - Date().timeIntervalSince(start)
                    if wait > maxPause { skipped += wait - maxPause }
                    let pause = min(wait, maxPause)
                    if pause > 0 { Thread.sleep(forTimeInterval: pause) }
                }
                guard chunk.type.isWeights else { return try sink.receive(records[...]) }
                for from in stride(from: 0, to: records.count, by: batchSize) {
                    try sink.receive(records[from..<min(from + batchSize, records.count)])
                }
            }
        } catch {
            try? sink.end()
            throw error
        }
        try sink.end()
    }
}
