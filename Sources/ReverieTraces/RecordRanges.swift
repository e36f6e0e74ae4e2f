/// A set of record indices kept as sorted, disjoint, non-adjacent ranges: what a
/// reader has seen of a trace, to tell repeated records from missing ones.
struct RecordRanges {
    private(set) var ranges: [Range<UInt64>] = []

    /// Index of the first range whose upper bound is above `x`.
    private func firstEnding(after x: UInt64) -> Int {
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func overlaps(_ r: Range<UInt64>) -> Bool {
        let k = firstEnding(after: r.lowerBound)
        return k < ranges.count && ranges[k].lowerBound < r.upperBound
    }

    func contains(_ r: Range<UInt64>) -> Bool {
        let k = firstEnding(after: r.lowerBound)
        return k < ranges.count && ranges[k].lowerBound <= r.lowerBound && r.upperBound <= ranges[k].upperBound
    }

    /// Adds `r`, merging it with the ranges it overlaps or touches.
    mutating func insert(_ r: Range<UInt64>) {
        guard !r.isEmpty else { return }
        // Ranges ending before r starts (not touching) stay; those starting after r ends stay.
        var k = firstEnding(after: r.lowerBound)
        if k > 0 && ranges[k - 1].upperBound == r.lowerBound { k -= 1 }
        var lo = r.lowerBound, hi = r.upperBound, j = k
        while j < ranges.count && ranges[j].lowerBound <= hi {
            lo = min(lo, ranges[j].lowerBound); hi = max(hi, ranges[j].upperBound); j += 1
        }
        ranges.replaceSubrange(k..<j, with: [lo..<hi])
    }

    /// The parts of `span` not in the set, in order.
    func gaps(in span: Range<UInt64>) -> [Range<UInt64>] {
        var out: [Range<UInt64>] = []
        var at = span.lowerBound
        for r in ranges where r.upperBound > at {
            if r.lowerBound >= span.upperBound { break }
            if r.lowerBound > at { out.append(at..<r.lowerBound) }
            at = r.upperBound
        }
        if at < span.upperBound { out.append(at..<span.upperBound) }
        return out
    }
}
