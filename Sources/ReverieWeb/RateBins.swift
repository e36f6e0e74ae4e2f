/// Population event counts in bins of simulated time, for rates that do not depend
/// on how fast the run or replay went: bin k covers
/// [origin + k·width, origin + (k+1)·width). The width starts at 2⁻¹⁰ time units
/// and doubles, merging adjacent bins, whenever an event falls past `capacity`
/// bins, so 256 to 512 bins span the run whatever its length. Events before the
/// first event's bin (a clock that went back) are not binned.
struct RateBins {
    static let capacity = 512
    static let initialWidth = 1.0 / 1024

    let populations: Int
    private(set) var origin: Double?
    private(set) var width = initialWidth
    /// `counts[bin * populations + p]`.
    private(set) var counts: [Int] = []
    private(set) var version = 0

    init(populations: Int) { self.populations = populations }

    var bins: Int { populations > 0 ? counts.count / populations : 0 }

    mutating func add(_ t: Double, population p: Int) {
        guard t.isFinite else { return }
        if origin == nil { origin = (t / width).rounded(.down) * width }
        var x = (t - origin!) / width
        guard x >= 0 else { return }
        while x >= Double(Self.capacity) {
            merge()
            x = (t - origin!) / width
        }
        let bin = Int(x)
        if bin >= bins { counts += repeatElement(0, count: (bin + 1 - bins) * populations) }
        counts[bin * populations + p] += 1
        version += 1
    }

    /// Doubles the width; the origin moves down to a multiple of the new width.
    private mutating func merge() {
        let newOrigin = (origin! / (2 * width)).rounded(.down) * (2 * width)
        let shift = Int(((origin! - newOrigin) / width).rounded())  // 0 or 1 old bins
        var merged = [Int](repeating: 0, count: ((bins + shift + 1) / 2) * populations)
        for b in 0..<bins {
            for p in 0..<populations { merged[((b + shift) / 2) * populations + p] += counts[b * populations + p] }
        }
        counts = merged
        origin = newOrigin
        width *= 2
    }
}
