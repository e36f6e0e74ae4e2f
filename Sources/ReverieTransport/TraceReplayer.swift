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

    public init(trace: TraceFile, speed: Double?) {
        self.trace = trace
        self.speed = speed
        secondsPerTimeUnit = trace.header.run.timeUnit == "ms" ? 0.001 : 1
    }

    /// Begins `sink` with the trace's run description, delivers every chunk (paced
    /// by the time of its first record) and ends it.
    public func run(into sink: any SimulationSink) throws {
        try sink.begin(trace.header.run)
        let start = Date()
        var origin: Double? = nil
        do {
            try trace.forEachChunk { _, records in
                if let speed, let t = records.first?.time.value {
                    let t0 = origin ?? t
                    origin = t0
                    let wait = (t - t0) * secondsPerTimeUnit / speed - Date().timeIntervalSince(start)
                    if wait > 0 { Thread.sleep(forTimeInterval: wait) }
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
