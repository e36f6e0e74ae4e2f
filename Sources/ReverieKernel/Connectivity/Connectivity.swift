/// The synapses of one projection: dense or sparse (CSR) storage.
public enum Connectivity: Sendable, Equatable {
    case dense(DenseWeights)
    case sparse(SparseWeights)

    public var preCount: Int {
        switch self { case .dense(let d): d.preCount; case .sparse(let s): s.preCount }
    }
    public var postCount: Int {
        switch self { case .dense(let d): d.postCount; case .sparse(let s): s.postCount }
    }
    public var synapseCount: Int {
        switch self { case .dense(let d): d.weights.count; case .sparse(let s): s.synapseCount }
    }

    /// The weight pre → post (0 where there is no synapse).
    public func weight(pre: Int, post: Int) -> Double {
        switch self {
        case .dense(let d): return d[pre: pre, post: post]
        case .sparse(let s): return s.synapseIndex(pre: pre, post: post).map { s.weights[$0] } ?? 0
        }
    }

    /// Calls `body(post, weight)` for every synapse of `pre`.
    @inlinable
    public func forEachSynapse(from pre: Int, _ body: (Int, Double) -> Void) {
        switch self {
        case .dense(let d):
            let base = pre * d.postCount
            for post in 0..<d.postCount { body(post, d.weights[base + post]) }
        case .sparse(let s):
            for k in s.rowStart[pre]..<s.rowStart[pre + 1] { body(Int(s.targets[k]), s.weights[k]) }
        }
    }

    /// Applies a local rule to every synapse: w_{pre→post} += rule.delta(w, pre, post).
    /// When `skipSelf` is set, synapses with pre == post are left untouched (J_ii = 0).
    @inlinable
    public mutating func apply<R: PlasticityRule>(
        _ rule: R, pre: [LocalSignal], post: [LocalSignal], skipSelf: Bool
    ) {
        switch self {
        case .dense(var d):
            self = .dense(DenseWeights(preCount: 0, postCount: 0))  // release storage for in-place update
            d.apply(rule, pre: pre, post: post, skipSelf: skipSelf)
            self = .dense(d)
        case .sparse(var s):
            self = .sparse(SparseWeights(rows: SynapseRows(preCount: 0, sourcesByPost: [])))
            let rows = s.rows
            for j in 0..<rows.preCount {
                let pj = pre[j]
                for k in rows.rowStart[j]..<rows.rowStart[j + 1] {
                    let i = Int(rows.targets[k])
                    if skipSelf && i == j { continue }
                    s.weights[k] += rule.delta(weight: s.weights[k], pre: pj, post: post[i])
                }
            }
            self = .sparse(s)
        }
    }
}
