import Foundation
import ReverieKernel
import ReverieTraces

/// Aggregates a live stream for `reverie monitor`: rates per population, the
/// latest metric values (e.g. overlaps with stored patterns), statistics of the
/// latest weight snapshot, message rates and gaps (from per-topic `seq`).
public final class StreamMonitor {
    /// Mean, spread and range of a set of values (Welford's update).
    public struct Summary: Equatable, Sendable {
        public var count = 0
        public var mean = 0.0
        var m2 = 0.0
        public var min = Double.infinity
        public var max = -Double.infinity
        public var standardDeviation: Double { count > 1 ? (m2 / Double(count)).squareRoot() : 0 }
        mutating func add(_ x: Double) {
            count += 1
            let d = x - mean
            mean += d / Double(count)
            m2 += d * (x - mean)
            min = Swift.min(min, x); max = Swift.max(max, x)
        }
    }

    public private(set) var run: RunDescription?
    public private(set) var messages = 0
    public private(set) var records = 0
    /// Messages missing according to per-topic sequence numbers (and, at the end,
    /// the publisher's totals), and their records.
    public private(set) var gapMessages = 0
    public private(set) var gapRecords: UInt64 = 0
    /// The same per topic.
    public private(set) var gaps: [String: Gap] = [:]
    public private(set) var simulatedTime = SimTime.zero
    /// Latest value per (metric code, item).
    public private(set) var metrics: [Int: [Int: Double]] = [:]
    /// The most recent weight snapshot (consecutive weight messages).
    public private(set) var weights = Summary()
    /// Name of the phase last begun, if still running.
    public private(set) var phase: String?
    /// The publisher's end summary (JSON) once `rv.end` arrived.
    public private(set) var endSummary: String?

    private var next: [String: (seq: UInt64, first: UInt64)] = [:]
    private var lastTopic = ""
    // Since the last `window` call.
    private var windowMessages = 0
    private var windowRecords = 0
    private var windowEvents: [Int] = []
    private var windowStart: SimTime?

    /// Messages and records missing on one topic.
    public struct Gap: Equatable, Sendable {
        public var messages = 0
        public var records: UInt64 = 0
        public init() {}
    }

    public init() {}

    /// Counts `message` and returns its records (decoded once, for other views of the stream).
    @discardableResult
    public func consume(_ message: StreamMessage) throws -> [TraceRecord] {
        messages += 1
        windowMessages += 1
        defer { lastTopic = message.topic }
        switch message.topic {
        case StreamTopic.run:
            let header = try message.payload.withUnsafeBytes { try TraceHeader.decode($0) }
            if run != header.run {
                run = header.run
                windowEvents = Array(repeating: 0, count: header.run.populations.count)
            }
            return []
        case StreamTopic.end:
            endSummary = String(decoding: message.payload, as: UTF8.self)
            countTailGaps(message.payload)
            return []
        default: break
        }
        let h = message.header
        if let expected = next[message.topic], h.seq > expected.seq {
            countGap(message.topic, messages: Int(clamping: h.seq - expected.seq), records: h.first &- expected.first)
        }
        next[message.topic] = (h.seq &+ 1, h.first &+ UInt64(h.count))
        let batch = try message.records()
        records += batch.count
        windowRecords += batch.count
        if message.topic == StreamTopic.records(.weight) && lastTopic != message.topic { weights = Summary() }
        for r in batch {
            simulatedTime = Swift.max(simulatedTime, r.time)
            if windowStart == nil { windowStart = r.time }
            switch r.kind {
            case .state, .spike:
                if let k = run?.populationIndex(of: r.unit) {
                    windowEvents[k] += 1
                }
            case .assign: break
            case .weight: weights.add(r.value)
            case .metric: metrics[Int(r.unit), default: [:]][Int(r.aux)] = r.value
            case .phase:
                let name = run.flatMap { Int(r.unit) < $0.phases.count ? $0.phases[Int(r.unit)] : nil } ?? "phase \(r.unit)"
                phase = r.aux == 0 ? name : nil
            }
        }
        return batch
    }

    /// `records` wrapped below zero (a publisher whose counts disagree) counts as none.
    private func countGap(_ topic: String, messages: Int, records wrapped: UInt64) {
        let records = wrapped > UInt64(Int64.max) ? 0 : wrapped
        gapMessages += messages
        gapRecords += records
        gaps[topic, default: Gap()].messages += messages
        gaps[topic, default: Gap()].records += records
    }

    /// Messages lost after the last one received on each topic, from the end summary's totals.
    private func countTailGaps(_ payload: [UInt8]) {
        guard let json = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
              let sent = json["messages"] as? [String: Int], let total = json["records"] as? [String: Int] else { return }
        for (topic, count) in sent {
            let (seq, first) = next[topic] ?? (0, 0)
            if count > 0 && UInt64(count) > seq {
                countGap(topic, messages: Int(clamping: UInt64(count) - seq), records: UInt64(max(0, total[topic] ?? 0)) &- first)
            }
            next[topic] = (UInt64(max(0, count)), UInt64(max(0, total[topic] ?? 0)))
        }
    }

    /// Terminal lines describing the stream since the previous call, which lasted `seconds` of wall time.
    public func window(seconds: Double) -> [String] {
        var lines: [String] = []
        let model = run.map { "\($0.modelName) (seed \($0.seed))" } ?? "(run description not received yet)"
        lines.append("model \(model)   t = \(simulatedTime.value)\(run.map { " " + $0.timeUnit } ?? "")   phase: \(phase ?? "-")")
        lines.append(String(format: "messages/s %.0f   records/s %.0f   total %ld messages, %ld records   gaps: %ld messages (%llu records)",
                            Double(windowMessages) / seconds, Double(windowRecords) / seconds, messages, records,
                            gapMessages, gapRecords))
        if let run {
            let span = windowStart.map { simulatedTime.value - $0.value } ?? 0
            for (k, p) in run.populations.enumerated() {
                let perUnit = span > 0 ? Double(windowEvents[k]) / (span * Double(p.size)) : 0
                lines.append(String(format: "  %-16@ %7ld units  %9.0f events/s  %.4g per unit per %@",
                                    p.name as NSString, p.size, Double(windowEvents[k]) / seconds, perUnit, run.timeUnit as NSString))
            }
        }
        for code in metrics.keys.sorted() {
            let name = run.flatMap { code < $0.metrics.count ? $0.metrics[code] : nil } ?? "metric \(code)"
            let items = metrics[code]!.sorted { $0.key < $1.key }
            let shown = items.prefix(8).map { String(format: "%ld:%.3f", $0.key, $0.value) }.joined(separator: " ")
            lines.append("  \(name): \(shown)\(items.count > 8 ? " ... (\(items.count) items)" : "")")
        }
        if weights.count > 0 {
            lines.append(String(format: "  weights: %ld  mean %.4g  sd %.4g  min %.4g  max %.4g",
                                weights.count, weights.mean, weights.standardDeviation, weights.min, weights.max))
        }
        if let endSummary { lines.append("ended: \(endSummary)") }
        windowMessages = 0; windowRecords = 0; windowStart = nil
        windowEvents = Array(repeating: 0, count: windowEvents.count)
        return lines
    }
}
