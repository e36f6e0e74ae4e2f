/// Sparse synaptic weights in compressed sparse rows by presynaptic unit (CSR):
/// the targets of `pre` are `targets[rowStart[pre]..<rowStart[pre + 1]]`, sorted,
/// with matching `weights`.
public struct SparseWeights: Sendable, Equatable {
    public let preCount: Int
    public let postCount: Int
    public private(set) var rowStart: [Int]
    public private(set) var targets: [UInt32]
    public var weights: [Double]

    /// Builds from per-row target lists (each sorted, unique, in `0..<postCount`).
    public init(postCount: Int, rows: [[UInt32]], initial: Double = 0) {
        self.preCount = rows.count
        self.postCount = postCount
        var start = [0]
        start.reserveCapacity(rows.count + 1)
        var t: [UInt32] = []
        for row in rows {
            precondition(zip(row, row.dropFirst()).allSatisfy { $0 < $1 }, "row not sorted/unique")
            precondition(row.allSatisfy { Int($0) < postCount }, "target out of range")
            t.append(contentsOf: row)
            start.append(t.count)
        }
        rowStart = start
        targets = t
        weights = [Double](repeating: initial, count: t.count)
    }

    /// Each pre→post pair independently with probability `p` (Erdős–Rényi).
    public static func random(preCount: Int, postCount: Int, probability p: Double,
                              allowSelf: Bool, rng: inout RandomStream) -> SparseWeights {
        var rows: [[UInt32]] = []
        rows.reserveCapacity(preCount)
        for pre in 0..<preCount {
            var row: [UInt32] = []
            for post in 0..<postCount where (allowSelf || pre != post) && rng.nextUnit() < p {
                row.append(UInt32(post))
            }
            rows.append(row)
        }
        return SparseWeights(postCount: postCount, rows: rows)
    }

    public var synapseCount: Int { targets.count }

    /// Index into `targets`/`weights` of pre→post, if that synapse exists.
    public func synapseIndex(pre: Int, post: Int) -> Int? {
        var lo = rowStart[pre], hi = rowStart[pre + 1]
        let key = UInt32(post)
        while lo < hi {
            let mid = (lo + hi) / 2
            if targets[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < rowStart[pre + 1] && targets[lo] == key ? lo : nil
    }
}
