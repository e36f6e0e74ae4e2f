import Foundation
import ReverieKernel
import ReverieTraces

/// Aggregates a live stream for `reverie monitor`: rates per population (spikes
/// per unit per second, in Hz, for runs timed in ms or s; state changes per unit
/// per time unit otherwise), the latest metric values (e.g. overlaps with stored
/// patterns) with the most recently updated items shown, statistics of the
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
    /// When each (metric code, item) was last updated (a counter over metric records).
    private var metricUpdated: [Int: [Int: Int]] = [:]
    private var metricClock = 0
    /// Items shown per metric: the most recently updated ones.
    public static let shownItems = 8
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
    private var windowSpikes: [Int] = []
    private var windowStart: SimTime?
    private var lookup: PopulationLookup?

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
            do { try header.validate(path: StreamTopic.run, fileVersion: UInt32(clamping: max(header.version, 0))) }
            catch { throw TransportError.malformedMessage("\(error)") }
            if run != header.run {
                run = header.run
                lookup = PopulationLookup(header.run)
                windowEvents = Array(repeating: 0, count: header.run.populations.count)
                windowSpikes = windowEvents
            }
            return []
        case StreamTopic.end:
            endSummary = String(decoding: message.payload, as: UTF8.self)
            countTailGaps(message.payload)
            return []
        default: break
        }
        // Sequence numbers come from the network: saturating arithmetic, never a trap.
        let h = message.header
        if let expected = next[message.topic], h.seq > expected.seq {
            countGap(message.topic, messages: Int(clamping: h.seq - expected.seq), records: h.first > expected.first ? h.first - expected.first : 0)
        }
        next[message.topic] = (h.seq.addingSaturated(1), h.first.addingSaturated(UInt64(h.count)))
        let batch = try message.records()
        records += batch.count
        windowRecords += batch.count
        if message.topic == StreamTopic.records(.weight) && lastTopic != message.topic { weights = Summary() }
        // The per-record counters in locals, written back once (each access to a class's
        // stored property is checked for exclusivity at run time: a quarter of the time).
        var time = simulatedTime, start = windowStart, summary = weights
        var events = windowEvents, spikes = windowSpikes
        windowEvents = []; windowSpikes = []  // the locals are the only references: no copy on write
        defer {
            simulatedTime = time; windowStart = start; weights = summary
            windowEvents = events; windowSpikes = spikes
        }
        let lookup = self.lookup
        for r in batch {
            time = Swift.max(time, r.time)
            if start == nil { start = r.time }
            switch r.kind {
            case .state, .spike:
                if let k = lookup?.index(of: r.unit) {
                    events[k] += 1
                    if r.kind == .spike { spikes[k] += 1 }
                }
            case .assign: break
            case .weight: summary.add(r.value)
            case .metric:
                metrics[Int(r.unit), default: [:]][Int(r.aux)] = r.value
                metricClock += 1
                metricUpdated[Int(r.unit), default: [:]][Int(r.aux)] = metricClock
            case .phase:
                let name = run.flatMap { Int(r.unit) < $0.phases.count ? $0.phases[Int(r.unit)] : nil } ?? "phase \(r.unit)"
                phase = r.aux == 0 ? name : nil
            }
        }
        return batch
    }

    /// Counts lost messages and records on `topic`, saturating (counts come from the network).
    private func countGap(_ topic: String, messages: Int, records: UInt64) {
        gapMessages = gapMessages.addingSaturated(messages)
        gapRecords = gapRecords.addingSaturated(records)
        gaps[topic, default: Gap()].messages = gaps[topic, default: Gap()].messages.addingSaturated(messages)
        gaps[topic, default: Gap()].records = gaps[topic, default: Gap()].records.addingSaturated(records)
    }

    /// Messages lost after the last one received on each topic, from the end summary's totals.
    private func countTailGaps(_ payload: [UInt8]) {
        guard let json = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
              let sent = json["messages"] as? [String: Int], let total = json["records"] as? [String: Int] else { return }
        for (topic, count) in sent {
            let (seq, first) = next[topic] ?? (0, 0)
            let messages = UInt64(clamping: count), records = UInt64(clamping: total[topic] ?? 0)
            if messages > seq { countGap(topic, messages: Int(clamping: messages - seq), records: records > first ? records - first : 0) }
            next[topic] = (messages, records)
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
            let secondsPerUnit: Double? = ["ms": 1e-3, "s": 1][run.timeUnit]
            for (k, p) in run.populations.enumerated() {
                let units = Double(max(p.size, 1))
                let rate: String
                if let secondsPerUnit, windowSpikes[k] > 0 || windowEvents[k] == 0 {
                    let hz = span > 0 ? Double(windowSpikes[k]) / (span * secondsPerUnit * units) : 0
                    rate = String(format: "%.4g Hz (spikes per unit per second)", hz)
                } else {
                    let perUnit = span > 0 ? Double(windowEvents[k]) / (span * units) : 0
                    rate = String(format: "%.4g changes per unit per %@", perUnit, run.timeUnit as NSString)
                }
                lines.append(String(format: "  %-16@ %7ld units  %9.0f events/s  %@",
                                    p.name as NSString, p.size, Double(windowEvents[k]) / seconds, rate as NSString))
            }
        }
        for code in metrics.keys.sorted() {
            let name = run.flatMap { code < $0.metrics.count ? $0.metrics[code] : nil } ?? "metric \(code)"
            let values = metrics[code]!, updated = metricUpdated[code]!
            var summary = Summary()
            for v in values.values { summary.add(v) }
            // The most recently updated items, oldest first, so the newest value is always on screen.
            let latest = updated.sorted { $0.value < $1.value }.suffix(Self.shownItems)
                .map { String(format: "%ld:%.3f", $0.key, values[$0.key]!) }.joined(separator: " ")
            let spread = values.count > 1 ? String(format: " mean %.3f [%.3f, %.3f];", summary.mean, summary.min, summary.max) : ""
            lines.append("  \(name) (\(values.count) item\(values.count == 1 ? "" : "s")):\(spread) latest \(latest)")
        }
        if weights.count > 0 {
            lines.append(String(format: "  weights: %ld  mean %.4g  sd %.4g  min %.4g  max %.4g",
                                weights.count, weights.mean, weights.standardDeviation, weights.min, weights.max))
        }
        if let endSummary { lines.append("ended: \(endSummary)") }
        windowMessages = 0; windowRecords = 0; windowStart = nil
        windowEvents = Array(repeating: 0, count: windowEvents.count)
        windowSpikes = windowEvents
        return lines
    }
}

extension FixedWidthInteger {
    /// `self + other`, or the largest value instead of overflowing.
    func addingSaturated(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
