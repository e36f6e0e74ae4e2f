/// Dense synaptic weights stored by presynaptic row: `weights[pre * postCount + post]`.
/// A presynaptic unit's fan-out is contiguous, so delivering its message is one
/// vectorisable pass over a row.
public struct DenseWeights: Sendable, Equatable {
    public let preCount: Int
    public let postCount: Int
    public var weights: [Double]

    public init(preCount: Int, postCount: Int, initial: Double = 0) {
        self.preCount = preCount
        self.postCount = postCount
        weights = [Double](repeating: initial, count: preCount * postCount)
    }

    @inlinable
    public subscript(pre pre: Int, post post: Int) -> Double {
        get { weights[pre * postCount + post] }
        set { weights[pre * postCount + post] = newValue }
    }

    /// Applies a local rule to every synapse: w_{pre→post} += rule.delta(w, pre, post).
    /// When `skipSelf` is set, synapses with pre == post are left untouched.
    @inlinable
    public mutating func apply<R: PlasticityRule>(_ rule: R, pre: [LocalSignal], post: [LocalSignal], skipSelf: Bool) {
        precondition(pre.count == preCount && post.count == postCount, "one signal per unit")
        let n = postCount
        weights.withUnsafeMutableBufferPointer { w in
            pre.withUnsafeBufferPointer { pre in
                post.withUnsafeBufferPointer { post in
                    for j in 0..<preCount {
                        let pj = pre[j]
                        let row = j * n
                        for i in 0..<n where !(skipSelf && i == j) {
                            w[row + i] += rule.delta(weight: w[row + i], pre: pj, post: post[i])
                        }
                    }
                }
            }
        }
    }
}
