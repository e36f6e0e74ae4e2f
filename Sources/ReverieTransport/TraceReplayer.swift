import Foundation
import ReverieKernel
import ReverieTraces

/// Streams a recorded trace through a publisher as the live run did: each intact
/// chunk is delivered as one batch (the recorder wrote one chunk per batch), so
/// the published frames are the live run's frames.
public struct TraceReplayer {
    public let trace: TraceFile
    /// Wall seconds per unit of simulated time at speed 1 (1 ms for traces in ms, else 1 s).
    public var secondsPerTimeUnit: Double
    /// A factor of real time, or nil for as fast as possible.
    public var speed: Double?
    /// The longest wait between two chunks, in wall seconds: longer idle stretches
    /// of the trace are shortened to it (record times are sent unchanged).
    public var maxPause: Double

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
            try trace.forEachChunk { _, records in
                if let speed, let t = records.first?.time.value {
                    let t0 = origin ?? t
                    origin = t0
                    let wait = (t - t0) * secondsPerTimeUnit / speed - skipped - Date().timeIntervalSince(start)
                    if wait > maxPause { skipped += wait - maxPause }
                    let pause = min(wait, maxPause)
                    if pause > 0 { Thread.sleep(forTimeInterval: pause) }
                }
                try sink.receive(records[...])
            }
        } catch {
            try? sink.end()
            throw error
        }
        try sink.end()
    }
}
