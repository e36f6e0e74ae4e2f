import ReverieKernel

/// Which population owns a global unit id, by binary search over the
/// populations' id ranges (disjoint in a validated header), so that looking up
/// every record costs O(log P) however many populations a header lists.
public struct PopulationLookup: Sendable {
    /// (firstID, end, population index), sorted by firstID; empty populations left out.
    private let ranges: [(first: UInt64, end: UInt64, index: Int)]

    public init(_ run: RunDescription) {
        ranges = run.populations.enumerated()
            .filter { $0.element.size > 0 }
            .map { (UInt64($0.element.firstID), UInt64($0.element.firstID) + UInt64($0.element.size), $0.offset) }
            .sorted { $0.first < $1.first }
    }

    /// The index (in `run.populations`) of the population holding `unit`, if any.
    public func index(of unit: UInt32) -> Int? {
        let u = UInt64(unit)
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].first <= u { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, u < ranges[lo - 1].end else { return nil }
        return ranges[lo - 1].index
    }
}
