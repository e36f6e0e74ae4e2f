import CReverieSIMD

/// The dense inner loops every family shares (fields of binary units,
/// predictions and feedback of predictive-coding units, stabilities, Hebbian
/// and dreaming kernels), with a bounds-checked API: the pointer code of dense
/// weights lives here and in CReverieSIMD. The C loops use AVX2 when the CPU has
/// it and give the same bits as the baseline loops (no FMA contraction).
///
/// `W` is a `DenseWeights` stored by presynaptic row: `W[j, i]` is the weight
/// from unit j to unit i, row j contiguous.
public enum DenseKernels {
    /// h[offset + i] += Σ_j x[j] W[j, i]: every row of `w`, four rows per pass
    /// over h, each quartet summed pairwise, `(r₀x₀ + r₁x₁) + (r₂x₂ + r₃x₃)`, before it
    /// is added (the rounding of binary field assembly since the first release).
    public static func addRows(of w: DenseWeights, weightedBy x: ArraySlice<Double>, into h: inout [Double], at offset: Int) {
        precondition(x.count == w.preCount && offset >= 0 && offset + w.postCount <= h.count, "shape mismatch")
        addRows(of: w, x.indices.map { ($0 - x.startIndex, x[$0]) }, into: &h, at: offset)
    }

    /// h[offset + i] += Σ_(j, c) c W[j, i] over the listed rows (any order, repeats
    /// allowed), four per pass, each quartet summed pairwise as in `addRows(of:weightedBy:into:at:)`.
    public static func addRows(of w: DenseWeights, _ rows: [(row: Int, coefficient: Double)], into h: inout [Double], at offset: Int) {
        let n = w.postCount
        precondition(offset >= 0 && offset + n <= h.count && rows.allSatisfy { $0.row >= 0 && $0.row < w.preCount }, "shape mismatch")
        guard n > 0 else { return }
        w.weights.withUnsafeBufferPointer { wb in
            h.withUnsafeMutableBufferPointer { hb in
                let hp = hb.baseAddress! + offset, base = wb.baseAddress!
                var c = 0
                while c + 4 <= rows.count {
                    rv_accumulate4(hp, base + rows[c].row * n, base + rows[c + 1].row * n, base + rows[c + 2].row * n,
                                   base + rows[c + 3].row * n, rows[c].coefficient, rows[c + 1].coefficient,
                                   rows[c + 2].coefficient, rows[c + 3].coefficient, Int64(n))
                    c += 4
                }
                for (j, d) in rows[c...] {
                    let r = base + j * n
                    for i in 0..<n { hp[i] += r[i] * d }
                }
            }
        }
    }

    /// h[i] += Σ_j x[j] W[j, i], the rows added one by one in order j = 0, 1, …
    /// (as the row-by-row loop rounds), four rows per pass over h.
    public static func project(_ w: DenseWeights, _ x: ArraySlice<Double>, into h: inout [Double]) {
        precondition(x.count == w.preCount && h.count == w.postCount, "shape mismatch")
        guard w.postCount > 0, w.preCount > 0 else { return }
        w.weights.withUnsafeBufferPointer { wb in
            x.withUnsafeBufferPointer { xb in
                h.withUnsafeMutableBufferPointer { rv_project(wb.baseAddress!, Int64(w.preCount), Int64(w.postCount), xb.baseAddress!, $0.baseAddress!) }
            }
        }
    }

    /// `project(w, x, into: &h)` and dots[j] = Σ_i W[j, i] y[i] for every row j (a row's dot
    /// product with y, summed in order i), in one pass over W.
    public static func project(_ w: DenseWeights, _ x: ArraySlice<Double>, into h: inout [Double],
                               rowDotsWith y: [Double], into dots: inout [Double]) {
        precondition(x.count == w.preCount && h.count == w.postCount && y.count == w.postCount && dots.count == w.preCount,
                     "shape mismatch")
        guard w.postCount > 0, w.preCount > 0 else { return }
        w.weights.withUnsafeBufferPointer { wb in
            x.withUnsafeBufferPointer { xb in
                h.withUnsafeMutableBufferPointer { hb in
                    rv_project_dots(wb.baseAddress!, Int64(w.preCount), Int64(w.postCount), xb.baseAddress!, y, hb.baseAddress!, &dots)
                }
            }
        }
    }

    /// h[offset + i] += W[j, i] d for every i: the fan-out of one unit's change d.
    /// With `watched`, returns the change in the number of targets i with
    /// watched[offset + i] · h[offset + i] < 0 (unstable free units); else 0.
    /// Inlinable: it runs once per flip, inside the network's delivery.
    @inlinable @inline(__always)
    public static func addRow(_ j: Int, of w: DenseWeights, times d: Double, into h: inout [Double], at offset: Int,
                              watched: [Double]? = nil) -> Int {
        let n = w.postCount
        precondition(j >= 0 && j < w.preCount && offset >= 0 && offset + n <= h.count && (watched?.count ?? h.count) == h.count)
        return w.weights.withUnsafeBufferPointer { wb in
            h.withUnsafeMutableBufferPointer { hb in
                let row = wb.baseAddress! + j * n, hp = hb.baseAddress! + offset
                guard let watched else { rv_axpy(hp, row, d, Int64(n)); return 0 }
                return watched.withUnsafeBufferPointer { Int(rv_fanout_dense(hp, row, $0.baseAddress! + offset, d, Int64(n))) }
            }
        }
    }

    /// The number of i with watched[i] · h[i] < 0.
    public static func countUnstable(_ watched: [Double], _ h: [Double]) -> Int {
        precondition(watched.count == h.count)
        guard !h.isEmpty else { return 0 }
        return watched.withUnsafeBufferPointer { s in h.withUnsafeBufferPointer { Int(rv_count_unstable(s.baseAddress!, $0.baseAddress!, Int64(s.count))) } }
    }

    /// The first position p ≥ `from` of `order` whose unit i = order[p] has
    /// watched[i] · h[i] < 0 (the next unstable unit of a sweep), if any.
    /// Inlinable: it runs once per sweep tick, inside the caller's loop.
    @inlinable
    public static func firstUnstable(_ order: [Int], from: Int, watched: [Double], field h: [Double]) -> Int? {
        precondition(watched.count == h.count && from >= 0)
        assert(order.allSatisfy { $0 >= 0 && $0 < h.count }, "unit index out of range")
        return order.withUnsafeBufferPointer { o in
            watched.withUnsafeBufferPointer { s in
                h.withUnsafeBufferPointer { h in
                    var p = from
                    while p < o.count { let i = o[p]; if s[i] * h[i] < 0 { return p }; p += 1 }
                    return nil
                }
            }
        }
    }

    /// W[j, i] += a[j] u[i] for every synapse (a rank-1 update); with
    /// `keepDiagonal` (a square matrix) W[j, j] is left as it was.
    public static func rank1(_ w: inout DenseWeights, rows a: ArraySlice<Double>, columns u: [Double], keepDiagonal: Bool = false) {
        let n = w.postCount, m = w.preCount
        precondition(a.count == m && u.count == n && (!keepDiagonal || m == n), "shape mismatch")
        w.weights.withUnsafeMutableBufferPointer { wb in
            for j in 0..<m {
                let aj = a[a.startIndex + j], row = wb.baseAddress! + j * n
                let own = keepDiagonal ? row[j] : 0
                for i in 0..<n { row[i] += u[i] * aj }
                if keepDiagonal { row[j] = own }
            }
        }
    }

    /// The rank-1 update W[j, i] += a[j] u[i] fused with the fields of a new
    /// state: h[i] = Σ_j s[j] W'[j, i] of the updated weights, rows added in order
    /// (as `project` rounds), in one pass over W. With `keepDiagonal` W[j, j] is kept.
    public static func rank1Project(_ w: inout DenseWeights, rows a: ArraySlice<Double>, columns u: [Double],
                                    state s: [Double], fields h: inout [Double], at offset: Int, keepDiagonal: Bool) {
        let n = w.postCount, m = w.preCount
        precondition(a.count == m && u.count == n && s.count == m && offset >= 0 && offset + n <= h.count && (!keepDiagonal || m == n))
        guard n > 0, m > 0 else { return }
        w.weights.withUnsafeMutableBufferPointer { wb in
            a.withUnsafeBufferPointer { ab in
                h.withUnsafeMutableBufferPointer { hb in
                    let hp = hb.baseAddress! + offset
                    for i in 0..<n { hp[i] = 0 }
                    rv_rank1_project(wb.baseAddress!, Int64(m), Int64(n), u, ab.baseAddress!, s, hp, keepDiagonal ? 1 : 0)
                }
            }
        }
    }
}
