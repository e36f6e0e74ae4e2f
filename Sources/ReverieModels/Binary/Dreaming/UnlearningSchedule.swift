/// When a dreaming run measures and when it stops.
public struct UnlearningSchedule: Sendable, Equatable {
    /// Upper bound on the number of dreams D.
    public var maxDreams: Int
    /// Record the stability measures (and basins) every k dreams, and at D = 0.
    public var measureEvery: Int
    /// Check whether all patterns are fixed points every k dreams (0: only at
    /// measurements); the check stops at the first unstable pattern.
    public var checkEvery: Int
    /// Stop at D_in, the first checked D at which all patterns are fixed points.
    public var stopAtAllStable: Bool
    /// Initial overlaps m0 for basin measurements (empty: none).
    public var basinOverlaps: [Double]
    /// A pattern counts as retrieved when its final overlap is at least this.
    public var retrievalThreshold: Double

    public init(maxDreams: Int, measureEvery: Int, checkEvery: Int = 0, stopAtAllStable: Bool = false,
                basinOverlaps: [Double] = [], retrievalThreshold: Double = 0.95) {
        self.maxDreams = maxDreams; self.measureEvery = measureEvery; self.checkEvery = checkEvery
        self.stopAtAllStable = stopAtAllStable; self.basinOverlaps = basinOverlaps
        self.retrievalThreshold = retrievalThreshold
    }
}
