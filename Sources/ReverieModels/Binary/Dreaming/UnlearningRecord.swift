/// The state of a dreaming run after D dreams.
public struct UnlearningRecord: Sendable, Equatable {
    /// D.
    public var dreams: Int
    /// D·ε/N, the scale on which D_in, D_top and D_fin collapse across N.
    public var scaledDreams: Double
    public var fractionStable: Double
    /// Δ_min over all patterns and units.
    public var minimumStability: Double
    public var meanStability: Double
    /// The distribution of Δ_i^μ: its 5%, 50% and 95% quantiles.
    public var stabilityQuantiles: [Double]
    /// Mean number of flips per dream relaxation since the previous record.
    public var flipsPerDream: Double
    /// Basins at the schedule's m0 values (empty when none were asked for).
    public var basins: [BasinMeasure.Point]
}

/// The outcome of a dreaming run: the records and the landmarks of
/// Benedetti et al. (2022), as D values (nil when not reached).
public struct UnlearningSummary: Sendable, Equatable {
    public var records: [UnlearningRecord]
    /// Dreams done.
    public var dreams: Int
    /// First checked D at which all patterns are fixed points.
    public var dIn: Int?
    /// Best retrieval among records with all patterns stable: the largest sum of
    /// mean final overlaps over the basin m0 values, ties (and runs without
    /// basins) decided by the largest Δ_min.
    public var dTop: Int?
    /// Memories destroyed: the first record after the last record at which all
    /// patterns were fixed points (nil if the run ended before).
    public var dFin: Int?
}
