/// One grid point × repeat of a part: one run, or the runs of a search in the
/// order they were evaluated and the value it found.
struct SweepTask: Sendable {
    var part: Int
    var pointIndex: Int
    var point: [Int]
    var repeatIndex: Int

    struct Result: Sendable {
        var runs: [SweepRun]
        /// The search's result: the smallest value found (nil: the condition fails at the top of the range).
        var found: Int?
        /// The run at `found`.
        var foundRun: SweepRun? {
            guard let found else { return nil }
            return runs.first { $0.searchValue == found }
        }
    }
}
