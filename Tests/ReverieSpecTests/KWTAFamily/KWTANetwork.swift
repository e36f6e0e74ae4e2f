import ReverieKernel

/// The k-WTA layer as a family of the engine. A unit sees only the spikes
/// delivered to it (its count); the decision reads the counts of its layer.
final class KWTANetwork: NetworkFamily {
    let layers: [(name: String, size: Int, k: Int)]
    let firstID: UInt32
    let sinks: SinkHub
    /// Per link: the layer it feeds, the offset of its first target, its delay.
    var links: [(layer: Int, offset: Int, delay: SimTime)] = []
    private(set) var counts: [[Int]]
    private var pending: [(time: SimTime, layer: Int, unit: Int)] = []
    private var clock = SimTime.zero
    private var received = 0

    init(layers: [(name: String, size: Int, k: Int)], firstID: UInt32, sinks: SinkHub) {
        self.layers = layers; self.firstID = firstID; self.sinks = sinks
        counts = layers.map { [Int](repeating: 0, count: $0.size) }
    }

    var layout: [RunDescription.Population] {
        var next = firstID
        return layers.map { l in defer { next += UInt32(l.size) }; return .init(name: l.name, model: "kwta", firstID: next, size: l.size) }
    }

    var now: SimTime { clock }

    var counters: RunCounters {
        var c = RunCounters()
        c.events = received
        c.synapticEvents = received
        return c
    }

    func resume(at time: SimTime) { clock = Swift.max(clock, time) }

    func advance(until end: SimTime, control: inout AdvanceControl) -> StopReason {
        pending.sort { ($0.time, $0.layer, $0.unit) < ($1.time, $1.layer, $1.unit) }
        let due = pending.prefix { $0.time <= end }
        for e in due { counts[e.layer][e.unit] += 1 }
        received += due.count
        control.consume(due.count)
        pending.removeFirst(due.count)
        clock = end.value.isFinite ? end : (due.last?.time ?? clock)
        return pending.isEmpty ? .quiescent : .timeLimit
    }

    func receive(_ events: [FamilyEvent], link: Int) {
        let l = links[link]
        for e in events { pending.append((e.time + l.delay, l.layer, l.offset + e.unit)) }
    }

    func emitWeights(at time: SimTime) {}

    /// The k units of `layer` with the most input (ties to the lower index);
    /// reports +1 for winners and −1 for the rest.
    func decide(layer: Int, at time: SimTime) -> [Int] {
        let order = counts[layer].indices.sorted { (counts[layer][$0], -$0) > (counts[layer][$1], -$1) }
        let winners = Array(order.prefix(layers[layer].k))
        let base = Int(layout[layer].firstID)
        for i in counts[layer].indices { sinks.emit(.state(NeuronID(base + i), winners.contains(i) ? 1 : -1, at: time)) }
        return winners
    }
}
