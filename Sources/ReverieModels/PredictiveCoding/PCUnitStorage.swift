/// The per-unit state of an event-driven predictive-coding relaxation in one
/// allocation (swift-collections' `_UnsafeHandle` pattern): every field is a
/// column of doubles, read and written without copy-on-write or exclusivity
/// checks in the per-message loops. Indices are checked by `assert`, so debug
/// builds (and the tests) catch any out-of-range access and release builds pay
/// nothing. This is the only pointer code of the predictive-coding family.
final class PCUnitStorage {
    /// Columns of 2N entries (value units 0..<N, error units N..<2N) and of N entries.
    enum Column: Int, CaseIterable {
        // Per unit u ∈ 0..<2N.
        case x, anchor, slope, decay, sent, nextSend, received, slack
        // Per value unit k, or per error unit j.
        case receivedActivity, sensitivity, feedback, clamped, prediction, bias

        var isPerUnit: Bool { rawValue <= Column.slack.rawValue }
    }

    let n: Int
    private let base: UnsafeMutablePointer<Double>

    init(size n: Int) {
        self.n = n
        let total = Column.allCases.reduce(0) { $0 + ($1.isPerUnit ? 2 * n : n) }
        base = .allocate(capacity: total)
        base.initialize(repeating: 0, count: total)
    }

    /// Where column `c` starts: the 2N-columns first, then the N-columns.
    @inline(__always) private func offset(_ c: Column) -> Int {
        let r = c.rawValue, perUnit = Column.slack.rawValue + 1
        return r < perUnit ? r * 2 * n : perUnit * 2 * n + (r - perUnit) * n
    }

    deinit { base.deallocate() }

    @inline(__always)
    subscript(_ c: Column, _ i: Int) -> Double {
        get {
            assert(i >= 0 && i < (c.isPerUnit ? 2 * n : n), "index \(i) out of range of \(c)")
            return base[offset(c) + i]
        }
        set {
            assert(i >= 0 && i < (c.isPerUnit ? 2 * n : n), "index \(i) out of range of \(c)")
            base[offset(c) + i] = newValue
        }
    }

    /// Entries `range` of a column, copied out.
    func array(_ c: Column, _ range: Range<Int>) -> [Double] { range.map { self[c, $0] } }

    /// Replaces a column's first entries.
    func set(_ c: Column, to values: [Double]) { for (i, v) in values.enumerated() { self[c, i] = v } }
}
