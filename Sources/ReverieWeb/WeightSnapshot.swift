/// One weight snapshot (consecutive weight messages, as `StreamMonitor` counts
/// them) reduced to a histogram. Values are kept at a stride that doubles
/// whenever `capacity` are held (every value up to 65 536 weights, every second
/// one up to twice that, ...), so the histogram of any snapshot costs bounded memory.
struct WeightSnapshot {
    static let capacity = 1 << 16
    static let bins = 48

    private(set) var time = 0.0
    private var kept: [Double] = []
    private var stride = 1
    private var seen = 0

    init(time: Double) { self.time = time }

    mutating func add(_ w: Double) {
        guard w.isFinite else { return }
        if seen % stride == 0 {
            kept.append(w)
            if kept.count == Self.capacity {
                kept = Swift.stride(from: 0, to: kept.count, by: 2).map { kept[$0] }
                stride *= 2
            }
        }
        seen += 1
    }

    /// Counts in `bins` equal bins over [lo, hi] (estimated totals: each kept value stands for `stride` weights).
    func histogram(lo: Double, hi: Double) -> [Double] {
        var counts = [Double](repeating: 0, count: Self.bins)
        guard lo.isFinite, hi.isFinite, hi >= lo else { return counts }
        let width = hi > lo ? (hi - lo) / Double(Self.bins) : 1
        for w in kept {
            let x = min(max((w - lo) / width, 0), Double(Self.bins - 1))
            counts[Int(x)] += Double(stride)
        }
        return counts
    }
}
