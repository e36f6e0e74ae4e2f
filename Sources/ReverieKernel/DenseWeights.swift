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
}
