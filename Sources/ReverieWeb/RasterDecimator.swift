/// Server-side decimation of one population's raster, so the page draws at most
/// `budget` events per population per frame whatever the firing rate.
///
/// The raster shows a fixed subset of `rows` units, evenly spread over the
/// population: unit i (index within the population) is shown iff
/// i = ⌊k·size/rows⌋ for some k in 0..<rows. Every event of a shown unit is sent,
/// with its exact time, until the frame's budget is spent; later ones in that
/// frame are counted as `omitted`. At the end of each frame the subset is resized
/// so that, at the rate just seen (events per shown unit), the next frame would
/// use half the budget: rows ← rows · (budget/2) / demand, growing at most 2× per
/// frame, between `minRows` and every unit (at most `maxRows`). So a population of
/// thousands of units firing 10⁵ spikes/s is drawn as a few hundred units' exact
/// spike trains, and a quiet one shows every unit.
struct RasterDecimator {
    static let maxRows = 512
    static let minRows = 8

    let size: Int
    let budget: Int
    private(set) var rows: Int
    private(set) var sentThisFrame = 0
    private var demandThisFrame = 0
    /// Events of shown units left out because a frame's budget was spent (total).
    private(set) var omitted = 0

    init(size: Int, budget: Int) {
        self.size = max(size, 1)
        self.budget = budget
        rows = min(self.size, Self.maxRows)
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
        demandThisFrame += 1
        guard sentThisFrame < budget else { omitted += 1; return false }
        sentThisFrame += 1
        return true
    }

    mutating func endFrame() {
        let target = demandThisFrame > 0 ? rows * (budget / 2) / demandThisFrame : 2 * rows
        rows = max(min(Self.minRows, size), min(target, 2 * rows, size, Self.maxRows))
        sentThisFrame = 0
        demandThisFrame = 0
    }
}
