
/// Per-unit spike counts and inter-spike-interval moments, kept as spikes
/// happen (O(1) per spike), for firing rates and CVs of ISIs without a recording.
public struct SpikeStatistics: Sendable {
    /// One record per unit, so a spike touches one cache line.
    struct Entry: Sendable {
        var count = 0
        var last = 0.0
        var isiSum = 0.0
        var isiSquares = 0.0
    }
    var entries: [Entry]

    init(units: Int) { entries = [Entry](repeating: Entry(), count: units) }

    mutating func record(_ unit: Int, at t: Double) {
        if entries[unit].count > 0 {
            let isi = t - entries[unit].last
            entries[unit].isiSum += isi
            entries[unit].isiSquares += isi * isi
        }
        entries[unit].count += 1
        entries[unit].last = t
    }

    /// Brings unit `i`'s entry into the cache ahead of `record` (mutating only so that it
    /// is called in place: reading the statistics out of their network would copy the
    /// entries' reference, an atomic retain and release per spike).
    @inline(__always) mutating func prefetch(_ unit: Int) { LIFKernels.prefetch(entries, unit) }

    /// Takes the entries of `units` from `other` (the shard that recorded them).
    mutating func take(_ other: SpikeStatistics, units: Range<Int>) {
        entries.replaceSubrange(units, with: other.entries[units])
    }

    /// Spike count of every unit.
    public var counts: [Int] { entries.map(\.count) }

    /// Spikes of the units in `range`.
    public func spikes(_ range: Range<Int>) -> Int { entries[range].reduce(0) { $0 + $1.count } }

    /// Mean firing rate (Hz) of the units in `range` over `duration` ms.
    public func meanRate(_ range: Range<Int>, duration: Double) -> Double {
        Double(spikes(range)) / Double(max(range.count, 1)) / (duration / 1000)
    }

    /// Mean over the units of `range` with at least `minimumSpikes` spikes of the
    /// coefficient of variation (population standard deviation / mean) of their
    /// ISIs, and how many units that is.
    public func meanCV(_ range: Range<Int>, minimumSpikes: Int = 3) -> (cv: Double, units: Int) {
        var sum = 0.0, n = 0
        for e in entries[range] where e.count >= max(minimumSpikes, 2) {
            let k = Double(e.count - 1)
            let mean = e.isiSum / k
            let variance = max(e.isiSquares / k - mean * mean, 0)
            sum += variance.squareRoot() / mean
            n += 1
        }
        return (n > 0 ? sum / Double(n) : .nan, n)
    }
}
