import ReverieKernel

/// Classification by a dense associative memory with label units
/// (docs/science.md §7): the inputs of an item are clamped and its label units
/// set to −1; the prediction is the label unit with the largest bracket b_d
///
/// - `oneStep`: at that state (Krotov & Hopfield's read-out, argmax of tanh b_d);
/// - `relax`: after the label units relaxed through the network's dynamics to a
///   fixed point (the inputs clamped).
///
/// Ties go to the lower class index.
public enum DAMClassifier: String, Sendable, CaseIterable {
    case oneStep = "one-step"
    case relax

    /// The fraction of `data`'s items whose prediction is their label, on `network`'s memories.
    public func accuracy(_ data: DAMDataSet, network: DAMNetwork, maxEvents: Int) throws -> Double {
        let n = network.size, first = n - data.classes
        let free = (0..<n).map { $0 >= first }
        var correct = 0
        for (x, label) in zip(data.items, data.labels) {
            var probe = x
            for d in first..<n { probe[d] = -1 }
            network.setState(probe, free: free)
            if self == .relax { try network.relaxToFixedPoint(maxEvents: maxEvents) }
            var best = first, top = -Double.infinity
            for d in first..<n {
                let b = network.bracket(d)
                if b > top { top = b; best = d }
            }
            if best - first == label { correct += 1 }
        }
        return Double(correct) / Double(Swift.max(1, data.items.count))
    }
}
