import ReverieKernel
import ReverieTraces
import ReverieTransport

/// What the page shows, accumulated from the stream by the thread that reads
/// ZeroMQ, and encoded into a frame for one client at a time (`encodeFrame`).
///
/// Memory is bounded whatever the run's length or rate: the raster keeps the last
/// `rasterCapacity` decimated events (`RasterDecimator`), every time series is a
/// `BoundedSeries`, a weight snapshot keeps at most 65 536 sampled values, and at
/// most `maxPopulations` populations and `maxMetricCodes` metrics are charted.
struct LiveState {
    static let rasterCapacity = 1 << 18
    /// Raster events per population per frame (tick) before the shown subset thins out (at most twice that).
    static let rasterBudget = 4000
    /// Raster events in one client's frame (a client that fell behind gets the newest).
    static let maxRasterPerFrame = 1 << 16
    static let maxPopulations = 64
    static let maxMetricCodes = 64
    static let maxModelSource = 1 << 16

    /// Stream totals, as `StreamMonitor` counts them.
    struct Totals {
        var messages = 0
        var records = 0
        var gapMessages = 0
        var gapRecords: UInt64 = 0
        var gaps: [String: StreamMonitor.Gap] = [:]
        var simulatedTime = 0.0
        var phase: String?
        var endSummary: String?
    }

    private(set) var run: RunDescription?
    private(set) var runGeneration = 0
    private(set) var totals = Totals()
    /// Messages and records received per record topic.
    private var received: [RecordKind: (messages: Int, records: Int)] = [:]

    // Per charted population: cumulative spikes and ±1 state changes, events since the last rate point.
    private(set) var spikes: [Int] = []
    private(set) var flips: [Int] = []
    private var decimators: [RasterDecimator] = []
    private var lastPopulation = 0
    /// Spikes and ±1 state changes per population in bins of simulated time.
    private var rates = RateBins(populations: 0)
    /// Per metric code: `[t, item, value, phase index or −1]`.
    private var metrics: [Int: BoundedSeries] = [:]
    /// Per weight snapshot: `[t, count, mean, sd, min, max]`.
    private var weightStats = BoundedSeries(width: 6, capacity: 1024)
    /// `[t, phase index, 0 = begin / 1 = end]`.
    private var phases = BoundedSeries(width: 3, capacity: 1024)
    private var currentPhase = -1
    private var snapshot: WeightSnapshot?
    private var histogram: [Double] = []
    private var histogramStats: [Double] = []  // t, count, mean, sd, min, max
    private var histogramVersion = 0
    private var raster = RasterRing(capacity: rasterCapacity)

    private(set) var frame = 0
    private var wall = 0.0
    private var recent: [(wall: Double, messages: Int, records: Int)] = []
    private var messageRate = 0.0
    private var recordRate = 0.0

    // MARK: Reading the stream

    /// Takes in one message, already counted by `monitor` (whose totals are copied).
    mutating func update(_ message: StreamMessage, records: [TraceRecord], monitor: StreamMonitor) {
        if let r = monitor.run, r != run { start(r) }
        let kind = StreamTopic.kind(of: message.topic)
        if kind != .weight, snapshot != nil { finishSnapshot(monitor.weights) }
        if let kind { received[kind, default: (0, 0)].messages += 1; received[kind, default: (0, 0)].records += records.count }
        for r in records {
            switch r.kind {
            case .spike: event(r, .spike)
            case .state:
                if r.value == 1 { event(r, .up) } else if r.value == -1 { event(r, .down) }
            case .weight:
                if snapshot == nil { snapshot = WeightSnapshot(time: r.time.value) }
                snapshot!.add(r.value)
            case .metric:
                let code = Int(r.unit)
                guard code < Self.maxMetricCodes else { break }
                metrics[code, default: BoundedSeries(width: 4, capacity: 4096)]
                    .append([r.time.value, Double(r.aux), r.value, Double(currentPhase)])
            case .phase:
                phases.append([r.time.value, Double(r.unit), Double(r.aux)])
                currentPhase = r.aux == 0 ? Int(r.unit) : -1
            case .assign: break
            }
        }
        if message.topic == StreamTopic.end, snapshot != nil { finishSnapshot(monitor.weights) }
        totals = Totals(messages: monitor.messages, records: monitor.records, gapMessages: monitor.gapMessages,
                        gapRecords: monitor.gapRecords, gaps: monitor.gaps, simulatedTime: monitor.simulatedTime.value,
                        phase: monitor.phase, endSummary: monitor.endSummary)
    }

    /// A new run description: the charts start again (the stream totals go on).
    private mutating func start(_ r: RunDescription) {
        let kept = totals, frame = frame, recent = recent, generation = runGeneration
        self = LiveState()
        run = r
        runGeneration = generation + 1
        totals = kept; self.frame = frame; self.recent = recent
        let n = min(r.populations.count, Self.maxPopulations)
        spikes = Array(repeating: 0, count: n)
        flips = spikes
        decimators = r.populations.prefix(n).map { RasterDecimator(size: $0.size, budget: Self.rasterBudget) }
        rates = RateBins(populations: n)
    }

    /// The charted population holding global unit id `unit`, and the unit's index in it.
    private mutating func locate(_ unit: UInt32) -> (Int, Int)? {
        guard let pops = run?.populations, !decimators.isEmpty else { return nil }
        func index(in k: Int) -> Int? {
            let p = pops[k]
            return unit >= p.firstID && Int(unit - p.firstID) < p.size ? Int(unit - p.firstID) : nil
        }
        if let i = index(in: lastPopulation) { return (lastPopulation, i) }
        for k in decimators.indices { if let i = index(in: k) { lastPopulation = k; return (k, i) } }
        return nil
    }

    private mutating func event(_ r: TraceRecord, _ mark: RasterRing.Mark) {
        guard let (p, i) = locate(r.unit) else { return }
        if mark == .spike { spikes[p] += 1 } else { flips[p] += 1 }
        rates.add(r.time.value, population: p)
        if decimators[p].admit(i) { raster.append(time: r.time.value, unit: UInt32(i), population: UInt16(p), mark: mark) }
    }

    private mutating func finishSnapshot(_ s: StreamMonitor.Summary) {
        guard let snap = snapshot else { return }
        snapshot = nil
        guard s.count > 0 else { return }
        let stats = [snap.time, Double(s.count), s.mean, s.standardDeviation, s.min, s.max]
        weightStats.append(stats)
        histogram = snap.histogram(lo: s.min, hi: s.max)
        histogramStats = stats
        histogramVersion += 1
    }

    // MARK: Frames

    /// Ends a frame: raster budgets adapt, message rates over the last second.
    mutating func tick(wall seconds: Double) {
        frame += 1
        wall = seconds
        for k in decimators.indices { decimators[k].endFrame() }
        recent.append((seconds, totals.messages, totals.records))
        while let first = recent.first, seconds - first.wall > 1.05, recent.count > 2 { recent.removeFirst() }
        if let first = recent.first, seconds > first.wall {
            messageRate = Double(totals.messages - first.messages) / (seconds - first.wall)
            recordRate = Double(totals.records - first.records) / (seconds - first.wall)
        }
    }

    /// One binary WebSocket message for the client at `c` (which is advanced):
    /// `"RVW1"`, u32 length L of the JSON that follows, L bytes of JSON, zero
    /// padding to a multiple of 8 bytes, then the raster block of the JSON's
    /// `raster.count` events n: n f64 times, n u32 units (index within the
    /// population), n u16 population indices, n u8 marks (1 spike, 2 up, 3 down);
    /// all little-endian. The JSON: `frame` (tick number), `wall` (s since the
    /// monitor started), `run` (once per client and run: modelName, seed, timeUnit,
    /// populations [{name, model, size}], allPopulations, phases, metrics,
    /// modelSource), `t` (latest simulated time), `phase`, `ended`, `totals`
    /// (messages, records, gapMessages, gapRecords, spikes[p], flips[p], and per
    /// topic messages, records, gapMessages, gapRecords), `rate` (messages and
    /// records per second over the last second), `client` (this client's
    /// framesDropped and rasterDropped), `raster` (count, rows[p] shown, omitted[p]),
    /// `series` (`rates`: null when unchanged, else {origin, width, counts[bin × populations + p]}
    /// (`RateBins`); weights, phases, metrics by code: null when nothing is new, else
    /// {from, width, points} to append at point `from`, 0 meaning replace),
    /// `histogram` (when a new weight snapshot ended: stats, bins) and `end` (the
    /// publisher's end summary, once).
    func encodeFrame(for c: inout ClientCursor, framesDropped: Int) -> [UInt8] {
        if c.runGeneration != runGeneration { c = ClientCursor(); c.runGeneration = runGeneration }
        var j = JSONText()
        j.raw("{"); j.key("frame"); j.number(frame)
        j.raw(","); j.key("wall"); j.number(wall)
        if !c.runSent, let run {
            c.runSent = true
            j.raw(","); j.key("run"); encodeRun(run, &j)
        }
        j.raw(","); j.key("t"); j.number(totals.simulatedTime)
        j.raw(","); j.key("phase"); if let p = totals.phase { j.string(p) } else { j.raw("null") }
        j.raw(","); j.key("ended"); j.raw(totals.endSummary == nil ? "false" : "true")
        j.raw(","); encodeTotals(&j)
        j.raw(","); j.key("rate"); j.raw("{"); j.key("messages"); j.number(messageRate)
        j.raw(","); j.key("records"); j.number(recordRate); j.raw("}")

        let from = max(c.rasterNext, raster.oldest, raster.written - Self.maxRasterPerFrame)
        c.rasterDropped += from - c.rasterNext
        let to = raster.written
        c.rasterNext = to
        j.raw(","); j.key("client"); j.raw("{"); j.key("framesDropped"); j.number(framesDropped)
        j.raw(","); j.key("rasterDropped"); j.number(c.rasterDropped); j.raw("}")
        j.raw(","); j.key("raster"); j.raw("{"); j.key("count"); j.number(to - from)
        j.raw(","); j.key("rows"); j.array(decimators.map(\.rows))
        j.raw(","); j.key("omitted"); j.array(decimators.map(\.omitted)); j.raw("}")

        j.raw(","); j.key("series"); j.raw("{")
        j.key("rates")
        if c.ratesVersion != rates.version, let origin = rates.origin {
            c.ratesVersion = rates.version
            j.raw("{"); j.key("origin"); j.number(origin)
            j.raw(","); j.key("width"); j.number(rates.width)
            j.raw(","); j.key("counts"); j.array(rates.counts); j.raw("}")
        } else { j.raw("null") }
        j.raw(","); j.key("weights"); encodeDelta(weightStats, &c.weights, &j)
        j.raw(","); j.key("phases"); encodeDelta(phases, &c.phases, &j)
        j.raw(","); j.key("metrics"); j.raw("{")
        var first = true
        for code in metrics.keys.sorted() {
            var cursor = c.metrics[code] ?? BoundedSeries.Cursor()
            if !first { j.raw(",") }
            first = false
            j.key(String(code)); encodeDelta(metrics[code]!, &cursor, &j)
            c.metrics[code] = cursor
        }
        j.raw("}}")
        if c.histogramVersion != histogramVersion {
            c.histogramVersion = histogramVersion
            j.raw(","); j.key("histogram"); j.raw("{"); j.key("stats"); j.array(histogramStats)
            j.raw(","); j.key("bins"); j.array(histogram); j.raw("}")
        }
        if let end = totals.endSummary, !c.endSent {
            c.endSent = true
            j.raw(","); j.key("end"); j.string(end)
        }
        j.raw("}")

        var out: [UInt8] = Array("RVW1".utf8)
        withUnsafeBytes(of: UInt32(j.bytes.count).littleEndian) { out += $0 }
        out += j.bytes
        out += repeatElement(0, count: (8 - out.count % 8) % 8)
        raster.encode(from..<to, into: &out)
        return out
    }

    private func encodeRun(_ run: RunDescription, _ j: inout JSONText) {
        j.raw("{"); j.key("modelName"); j.string(run.modelName)
        j.raw(","); j.key("seed"); j.number(run.seed)
        j.raw(","); j.key("timeUnit"); j.string(run.timeUnit)
        j.raw(","); j.key("populations"); j.raw("[")
        for (k, p) in run.populations.prefix(decimators.count).enumerated() {
            if k > 0 { j.raw(",") }
            j.raw("{"); j.key("name"); j.string(p.name)
            j.raw(","); j.key("model"); j.string(p.model)
            j.raw(","); j.key("size"); j.number(p.size); j.raw("}")
        }
        j.raw("]")
        j.raw(","); j.key("allPopulations"); j.number(run.populations.count)
        j.raw(","); j.key("phases"); j.array(run.phases)
        j.raw(","); j.key("metrics"); j.array(run.metrics)
        j.raw(","); j.key("modelSource"); j.string(String(run.modelSource.prefix(Self.maxModelSource)))
        j.raw("}")
    }

    private func encodeTotals(_ j: inout JSONText) {
        j.key("totals"); j.raw("{"); j.key("messages"); j.number(totals.messages)
        j.raw(","); j.key("records"); j.number(totals.records)
        j.raw(","); j.key("gapMessages"); j.number(totals.gapMessages)
        j.raw(","); j.key("gapRecords"); j.number(totals.gapRecords)
        j.raw(","); j.key("spikes"); j.array(spikes)
        j.raw(","); j.key("flips"); j.array(flips)
        j.raw(","); j.key("topics"); j.raw("{")
        for (k, kind) in RecordKind.allCases.enumerated() {
            let topic = StreamTopic.records(kind)
            let got = received[kind] ?? (0, 0), gap = totals.gaps[topic] ?? StreamMonitor.Gap()
            if k > 0 { j.raw(",") }
            j.key(topic); j.raw("{"); j.key("messages"); j.number(got.messages)
            j.raw(","); j.key("records"); j.number(got.records)
            j.raw(","); j.key("gapMessages"); j.number(gap.messages)
            j.raw(","); j.key("gapRecords"); j.number(gap.records); j.raw("}")
        }
        j.raw("}}")
    }

    /// `{"from": k, "points": [...]}` (flat, `width` numbers per point), or `null` if nothing is new.
    private func encodeDelta(_ s: BoundedSeries, _ cursor: inout BoundedSeries.Cursor, _ j: inout JSONText) {
        guard let (from, points) = s.delta(after: cursor) else { j.raw("null"); return }
        cursor = s.cursor
        j.raw("{"); j.key("from"); j.number(from)
        j.raw(","); j.key("width"); j.number(s.width)
        j.raw(","); j.key("points"); j.array(points); j.raw("}")
    }
}
