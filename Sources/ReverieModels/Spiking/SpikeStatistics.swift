/// Per-unit spike counts and inter-spike-interval moments, kept as spikes
/// happen (O(1) per spike), for firing rates and CVs of ISIs without a recording.
public struct SpikeStatistics: Sendable {
    public private(set) var counts: [Int]
    var last: [Double]
    var isiSum: [Double]
    var isiSquares: [Double]

    init(units: Int) {
        counts = [Int](repeating: 0, count: units)
        last = [Double](repeating: 0, count: units)
        isiSum = [Double](repeating: 0, count: units)
        isiSquares = [Double](repeating: 0, count: units)
    }

    mutating func record(_ unit: Int, at t: Double) {
        if counts[unit] > 0 {
            let isi = t - last[unit]
            isiSum[unit] += isi
            isiSquares[unit] += isi * isi
        }
        counts[unit] += 1
        last[unit] = t
    }

    /// Spikes of the units in `range`.
    public func spikes(_ range: Range<Int>) -> Int { counts[range].reduce(0, +) }

    /// Mean firing rate (Hz) of the units in `range` over `duration` ms.
    public func meanRate(_ range: Range<Int>, duration: Double) -> Double {
        Double(spikes(range)) / Double(max(range.count, 1)) / (duration / 1000)
    }

    /// Mean over the units of `range` with at least `minimumSpikes` spikes of the
    /// coefficient of variation (population standard deviation / mean) of their
    /// ISIs, and how many units that is.
    public func meanCV(_ range: Range<Int>, minimumSpikes: Int = 3) -> (cv: Double, units: Int) {
        var sum = 0.0, n = 0
        for i in range where counts[i] >= max(minimumSpikes, 2) {
            let k = Double(counts[i] - 1)
            let mean = isiSum[i] / k
            let variance = max(isiSquares[i] / k - mean * mean, 0)
            sum += variance.squareRoot() / mean
            n += 1
        }
        return (n > 0 ? sum / Double(n) : .nan, n)
    }
}
