/// A series of fixed-width samples (`width` numbers each) held within `capacity`
/// points. When full, every second point is dropped, halving the series, and
/// `generation` increases so a reader knows to reload it instead of appending.
/// Memory stays below `capacity × width` numbers whatever the run's length.
struct BoundedSeries {
    let width: Int
    let capacity: Int
    private(set) var values: [Double] = []
    private(set) var generation = 0

    init(width: Int, capacity: Int) {
        precondition(width > 0 && capacity >= 2 && capacity.isMultiple(of: 2))
        self.width = width; self.capacity = capacity
        values.reserveCapacity(min(capacity, 1024) * width)
    }

    var count: Int { values.count / width }

    mutating func append(_ point: [Double]) {
        precondition(point.count == width)
        if count == capacity { halve() }
        values += point
    }

    private mutating func halve() {
        var merged: [Double] = []
        merged.reserveCapacity(values.count / 2)
        for p in stride(from: 0, to: count, by: 2) { merged += values[(p * width)..<((p + 1) * width)] }
        values = merged
        generation += 1
    }

    /// What a reader that has seen `cursor` lacks: either points from its count on
    /// (same generation), or everything (`from` 0) after a merge.
    func delta(after cursor: Cursor) -> (from: Int, points: ArraySlice<Double>)? {
        if cursor.generation == generation {
            guard cursor.count < count else { return nil }
            return (cursor.count, values[(cursor.count * width)...])
        }
        return (0, values[...])
    }

    var cursor: Cursor { Cursor(generation: generation, count: count) }

    /// How much of a series a reader has.
    struct Cursor: Equatable {
        var generation = -1
        var count = 0
    }
}
