import Foundation

/// Static connectivity in compressed sparse rows by presynaptic unit: the
/// targets of `pre` are `targets[rowStart[pre] ..< rowStart[pre + 1]]`, sorted.
/// Targets are 32-bit indices into the postsynaptic population, so a static
/// synapse with a per-projection weight costs 4 bytes (plus 8 per row).
public struct SynapseRows: Sendable, Equatable {
    public let preCount: Int
    public let postCount: Int
    public let rowStart: [Int]
    public let targets: [UInt32]

    public var synapseCount: Int { targets.count }
    /// Bytes held by the two arrays.
    public var bytes: Int { rowStart.count * MemoryLayout<Int>.stride + targets.count * MemoryLayout<UInt32>.stride }

    /// Builds from the (pre, post) pairs in `sources`: `sources[post]` lists the
    /// presynaptic units of each postsynaptic unit (any order, repeats allowed).
    public init(preCount: Int, sourcesByPost sources: [[UInt32]]) {
        self.preCount = preCount
        postCount = sources.count
        var start = [Int](repeating: 0, count: preCount + 1)
        for list in sources { for j in list { start[Int(j) + 1] += 1 } }
        for j in 0..<preCount { start[j + 1] += start[j] }
        var fill = start
        var t = [UInt32](repeating: 0, count: start[preCount])
        // Visiting posts in order leaves every row sorted.
        for (post, list) in sources.enumerated() {
            for j in list { t[fill[Int(j)]] = UInt32(post); fill[Int(j)] += 1 }
        }
        rowStart = start
        targets = t
    }

    /// Builds from the arrays themselves (each row's targets in any order, e.g.
    /// sorted by delay for spiking projections with per-synapse delays).
    public init(preCount: Int, postCount: Int, rowStart: [Int], targets: [UInt32]) {
        precondition(rowStart.count == preCount + 1 && rowStart.first == 0 && rowStart.last == targets.count
                     && zip(rowStart, rowStart.dropFirst()).allSatisfy { $0 <= $1 } && targets.allSatisfy { Int($0) < postCount },
                     "rows must be offsets into targets, and targets below postCount")
        self.preCount = preCount
        self.postCount = postCount
        self.rowStart = rowStart
        self.targets = targets
    }

    /// Every postsynaptic unit receives exactly `k` synapses from distinct
    /// presynaptic units (NEST's `fixed_indegree` without multapses), drawn with
    /// Floyd's algorithm; `allowSelf: false` excludes pre = post.
    public static func fixedInDegree(_ k: Int, preCount: Int, postCount: Int, allowSelf: Bool,
                                     rng: inout RandomStream) -> SynapseRows {
        let pool = allowSelf ? preCount : preCount - 1
        precondition(k >= 0 && k <= pool, "in-degree larger than the number of possible sources")
        var sources: [[UInt32]] = []
        sources.reserveCapacity(postCount)
        var chosen = Set<UInt32>(minimumCapacity: k)
        for post in 0..<postCount {
            chosen.removeAll(keepingCapacity: true)
            var list: [UInt32] = []
            list.reserveCapacity(k)
            // Floyd: for j in pool-k ..< pool pick t in 0...j; take t unless taken, else j.
            for j in (pool - k)..<pool {
                let t = UInt32(rng.nextInt(below: j + 1))
                let pick = chosen.contains(t) ? UInt32(j) : t
                chosen.insert(pick)
                list.append(pick)
            }
            // Skip over the excluded self index.
            if !allowSelf { for m in list.indices where Int(list[m]) >= post { list[m] += 1 } }
            sources.append(list)
        }
        return SynapseRows(preCount: preCount, sourcesByPost: sources)
    }

    /// Each pre → post pair independently with probability `p`, drawn row by row
    /// with geometric skips (O(synapses) rather than O(pre × post)).
    public static func probability(_ p: Double, preCount: Int, postCount: Int, allowSelf: Bool,
                                   rng: inout RandomStream) -> SynapseRows {
        var sources = [[UInt32]](repeating: [], count: postCount)
        guard p > 0 else { return SynapseRows(preCount: preCount, sourcesByPost: sources) }
        let logq = p < 1 ? Foundation.log(1 - p) : -Double.infinity
        for post in 0..<postCount {
            var j = -1
            while true {
                j += p < 1 ? 1 + Int(Foundation.log(1 - rng.nextUnit()) / logq) : 1
                if j >= preCount { break }
                if allowSelf || j != post { sources[post].append(UInt32(j)) }
            }
        }
        return SynapseRows(preCount: preCount, sourcesByPost: sources)
    }

    /// pre i → post i (equal sizes).
    public static func oneToOne(count: Int) -> SynapseRows {
        SynapseRows(preCount: count, sourcesByPost: (0..<count).map { [UInt32($0)] })
    }

    /// Every pre → every post (without pre = post unless `allowSelf`).
    public static func allToAll(preCount: Int, postCount: Int, allowSelf: Bool) -> SynapseRows {
        SynapseRows(preCount: preCount, sourcesByPost: (0..<postCount).map { post in
            (0..<preCount).filter { allowSelf || $0 != post }.map { UInt32($0) }
        })
    }
}

/// How the synapses of a sparse projection are drawn (NEST's connection rules).
public enum ConnectivityRule: Sendable, Equatable {
    /// Every postsynaptic unit receives exactly k synapses from distinct presynaptic units.
    case fixedInDegree(Int)
    /// Each pair independently with probability p.
    case probability(Double)
    /// pre i → post i (equal sizes).
    case oneToOne
    /// Every pair.
    case allToAll

    /// The synapses of a projection from `preCount` to `postCount` units.
    public func rows(preCount: Int, postCount: Int, allowSelf: Bool, rng: inout RandomStream) -> SynapseRows {
        switch self {
        case .fixedInDegree(let k): .fixedInDegree(k, preCount: preCount, postCount: postCount, allowSelf: allowSelf, rng: &rng)
        case .probability(let p): .probability(p, preCount: preCount, postCount: postCount, allowSelf: allowSelf, rng: &rng)
        case .oneToOne: .oneToOne(count: preCount)
        case .allToAll: .allToAll(preCount: preCount, postCount: postCount, allowSelf: allowSelf)
        }
    }

    /// The expected number of synapses (for memory estimates).
    public func expectedSynapses(preCount: Int, postCount: Int) -> Double {
        switch self {
        case .fixedInDegree(let k): Double(k) * Double(postCount)
        case .probability(let q): q * Double(preCount) * Double(postCount)
        case .oneToOne: Double(postCount)
        case .allToAll: Double(preCount) * Double(postCount)
        }
    }
}
