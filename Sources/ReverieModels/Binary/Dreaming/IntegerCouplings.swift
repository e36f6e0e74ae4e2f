import CReverieSIMD

/// The integer couplings of the dream loop's fast path (docs/science.md §3): K = J/c with
/// c = ε/N, and the state of a relaxation on them, in memory of their own, so that a sweep
/// hands the C kernels plain pointers (no array copy, uniqueness check or reference count
/// per call; this is the only place the dream loop holds unsafe memory).
///
/// K is held in 16 bits while |K| stays below `ceiling`: `bound` bounds max|K| from above
/// (a step changes each entry by at most 1) and is recomputed when it reaches the ceiling;
/// from the first time max|K| comes within ceiling/32 of it, K is held in 32 bits. Rows of
/// the 16-bit K are `stride` apart, a multiple of 16 elements, so that every row has the
/// first one's alignment; the 32-bit K is dense (rows n apart). During a relaxation each
/// unit has its halved field h_k (g_k = 2 w_k + p_k, h_k = w_k − [s_k < 0](1 − p_k)) and
/// 1 − p_k, the signs and the unstable set as bits (`rv_dream_begin_i32`).
final class IntegerCouplings {
    let n: Int, stride: Int, ceiling: Int
    private var short: UnsafeMutablePointer<Int16>?, wide: UnsafeMutablePointer<Int32>?
    private var bound = 0
    /// The fields of the next start, g = K s, in units of c.
    let fields: UnsafeMutablePointer<Int32>
    private let halves: UnsafeMutablePointer<Int32>, complements: UnsafeMutablePointer<Int32>
    private let negative: UnsafeMutablePointer<UInt64>, bits: UnsafeMutablePointer<UInt64>, positions: UnsafeMutablePointer<Int>
    /// How many units are unstable in the relaxation under way.
    private(set) var unstable: Int64 = 0

    /// - Parameters:
    ///   - k: K, n × n, row j the couplings from unit j.
    ///   - ceiling: K starts in 16 bits when max|K| < ceiling − ceiling/32 (ceiling at most 2¹⁵ − 1; 0: 32 bits).
    init(_ k: [Int32], n: Int, ceiling: Int) {
        precondition(k.count == n * n && (0...Int(Int16.max)).contains(ceiling))
        (self.n, self.ceiling, stride) = (n, ceiling, (n + 15) / 16 * 16)
        let largest = k.reduce(0) { max($0, abs(Int($1))) }
        if largest < ceiling - ceiling / 32 {
            let s = UnsafeMutablePointer<Int16>.allocate(capacity: n * stride)
            s.initialize(repeating: 0, count: n * stride)
            for j in 0..<n { for i in 0..<n { s[j * stride + i] = Int16(k[j * n + i]) } }
            (short, bound) = (s, largest)
        } else {
            let w = UnsafeMutablePointer<Int32>.allocate(capacity: n * n)
            w.initialize(from: k, count: n * n)
            wide = w
        }
        func scratch<T: FixedWidthInteger>(_ count: Int) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
        (fields, halves, complements) = (scratch(n), scratch(n), scratch(n))
        (negative, bits, positions) = (scratch((n + 63) / 64), scratch((n + 63) / 64), scratch(n))
    }

    deinit {
        short?.deallocate()
        wide?.deallocate()
        for p in [fields, halves, complements] { p.deallocate() }
        negative.deallocate()
        bits.deallocate()
        positions.deallocate()
    }

    /// Whether K is held in 16 bits.
    var isShort: Bool { short != nil }

    /// K_jk.
    subscript(j: Int, k: Int) -> Int32 {
        if let short { return Int32(short[j * stride + k]) }
        return wide![j * n + k]
    }

    /// `fields` = K s (exact), for a ±1 state.
    func assembleFields(of s: some Collection<Double>) {
        for i in 0..<n { fields[i] = 0 }
        for (j, sj) in s.enumerated() {
            if sj > 0 { for i in 0..<n { fields[i] &+= self[j, i] } } else { for i in 0..<n { fields[i] &-= self[j, i] } }
        }
    }

    /// The step K_jk ← K_jk − a_j a_k (K_jj kept with `skipSelf`) fused with `fields` = K s,
    /// one pass over K; 32 bits from here when the bound says |K| may reach the ceiling.
    func step(_ a: UnsafePointer<Double>, then s: UnsafePointer<Double>, skipSelf: Bool) {
        if let s16 = short, bound + 1 > ceiling {
            bound = Int(rv_max_abs_i16(s16, Int64(n * stride)))
            if bound + 1 > ceiling - ceiling / 32 {  // near the ceiling for good
                let w = UnsafeMutablePointer<Int32>.allocate(capacity: n * n)
                for j in 0..<n { for i in 0..<n { w[j * n + i] = Int32(s16[j * stride + i]) } }
                s16.deallocate()
                (short, wide) = (nil, w)
            }
        }
        if let short {
            rv_rank1_project_i16(short, Int64(n), Int64(stride), a, s, fields, skipSelf ? 1 : 0)
            bound += 1
        } else {
            rv_rank1_project_i32(wide!, Int64(n), Int64(n), a, s, fields, skipSelf ? 1 : 0)
        }
    }

    /// Starts a relaxation from state s with its fields in `fields`.
    func begin(_ s: UnsafePointer<Double>) {
        unstable = rv_dream_begin_i32(Int64(n), s, fields, halves, complements, negative, bits)
    }

    /// One sweep in `order` (`rv_dream_sweep_i16`/`_i32`): flips s in place; `flipped`
    /// (when not nil) receives the positions of the flips, `last` the last one's.
    func sweep(_ order: UnsafePointer<Int>, _ s: UnsafeMutablePointer<Double>, flipped: UnsafeMutablePointer<Int>?,
               last: inout Int) -> Int {
        if let short {
            return Int(rv_dream_sweep_i16(short, Int64(n), Int64(stride), order, positions, s, halves, complements, negative, bits,
                                          &unstable, flipped, &last))
        }
        return Int(rv_dream_sweep_i32(wide!, Int64(n), Int64(n), order, positions, s, halves, complements, negative, bits,
                                      &unstable, flipped, &last))
    }

    /// c K, n × n (one rounding each).
    func scaled(by c: Double, into weights: inout [Double]) {
        weights.withUnsafeMutableBufferPointer { w in
            if let short {
                for j in 0..<n { for i in 0..<n { w[j * n + i] = Double(short[j * stride + i]) * c } }
            } else {
                for k in 0..<(n * n) { w[k] = Double(wide![k]) * c }
            }
        }
    }
}
