/// Server-side decimation of one population's raster, so the page draws at most
/// `2 × budget` events per population per frame whatever the firing rate.
///
/// The raster shows a fixed subset of `rows` units, evenly spread over the
/// population: unit i (index within the population) is shown iff
/// i = ⌊k·size/rows⌋ for some k in 0..<rows, and every event of a shown unit is
/// sent with its exact time. Within a frame, each time `budget`, then every
/// further `budget/8` events have been sent, the subset halves (down to
/// `minRows`), so a burst (a replay at full speed delivers a whole phase in one
/// frame) thins out over its whole span instead of being cut; past `2 × budget`
/// the frame's remaining events are `omitted`. At the end of each frame the subset
/// is resized so that, at the rate just seen per shown unit, the next frame would
/// send half the budget (growing at most 2× per frame, up to every unit, at most
/// `maxRows`). So thousands of units firing 10⁵ spikes/s are drawn as a few hundred
/// units' exact spike trains, and a quiet population shows every unit.
struct RasterDecimator {
    static let maxRows = 512
    static let minRows = 8

    let size: Int
    let budget: Int
    private(set) var rows: Int
    private(set) var sentThisFrame = 0
    private var nextHalving: Int
    /// Events of shown units this frame, each weighted by 1/rows at the time: the rate per shown unit.
    private var demandPerRow = 0.0
    /// Events of shown units left out because a frame's limit was reached (total).
    private(set) var omitted = 0

    init(size: Int, budget: Int) {
        self.size = max(size, 1)
        self.budget = budget
        rows = min(self.size, Self.maxRows)
        nextHalving = budget
    }

    /// Whether unit `i` of the population is in the shown subset.
    func shows(_ i: Int) -> Bool {
        if rows >= size { return true }
        let k = (i * rows + size - 1) / size  // ⌈i·rows/size⌉, the only k that can give ⌊k·size/rows⌋ = i
        return k < rows && k * size / rows == i
    }

    /// Whether an event of unit `i` goes to the page in this frame.
    mutating func admit(_ i: Int) -> Bool {
        guard shows(i) else { return false }
        demandPerRow += 1 / Double(rows)
        guard sentThisFrame < 2 * budget else { omitted += 1; return false }
        sentThisFrame += 1
        if sentThisFrame >= nextHalving && rows > Self.minRows {
            rows = max(Self.minRows, rows / 2)
            nextHalving = sentThisFrame + budget / 8
        }
        return true
    }

    mutating func endFrame() {
        let target = demandPerRow > 0 ? Int((Double(budget / 2) / demandPerRow).rounded(.down)) : 2 * rows
        rows = max(min(Self.minRows, size), min(target, 2 * rows, size, Self.maxRows))
        sentThisFrame = 0
        nextHalving = budget
        demandPerRow = 0
    }
}
