/// Sparse synaptic weights: a `SynapseRows` topology (compressed sparse rows by
/// presynaptic unit, targets sorted) with one weight per synapse in the same order.
public struct SparseWeights: Sendable, Equatable {
    public let rows: SynapseRows
    public var weights: [Double]

    public init(rows: SynapseRows, initial: Double = 0) {
        self.rows = rows
        weights = [Double](repeating: initial, count: rows.synapseCount)
    }

    /// Builds from per-row target lists (each sorted, unique, in `0..<postCount`).
    public init(postCount: Int, rows targetsByPre: [[UInt32]], initial: Double = 0) {
        for row in targetsByPre {
            precondition(zip(row, row.dropFirst()).allSatisfy { $0 < $1 }, "row not sorted/unique")
            precondition(row.allSatisfy { Int($0) < postCount }, "target out of range")
        }
        var sources = [[UInt32]](repeating: [], count: postCount)
        for (pre, row) in targetsByPre.enumerated() { for post in row { sources[Int(post)].append(UInt32(pre)) } }
        self.init(rows: SynapseRows(preCount: targetsByPre.count, sourcesByPost: sources), initial: initial)
    }

    @inlinable public var preCount: Int { rows.preCount }
    @inlinable public var postCount: Int { rows.postCount }
    @inlinable public var rowStart: [Int] { rows.rowStart }
    @inlinable public var targets: [UInt32] { rows.targets }
    public var synapseCount: Int { rows.synapseCount }

    /// Index into `targets`/`weights` of pre→post, if that synapse exists.
    public func synapseIndex(pre: Int, post: Int) -> Int? {
        var lo = rows.rowStart[pre], hi = rows.rowStart[pre + 1]
        let key = UInt32(post)
        while lo < hi {
            let mid = (lo + hi) / 2
            if rows.targets[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < rows.rowStart[pre + 1] && rows.targets[lo] == key ? lo : nil
    }
}
