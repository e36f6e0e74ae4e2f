import ReverieKernel

extension SpikingProjection {
    /// The synapses onto targets `targets` (indices in the post population) only,
    /// in the same order within each row, with their weights: a shard's part of
    /// the projection (synapses live with their target). Static synapses with one
    /// delay only: then a spike's arrivals are the same whichever shard queues them.
    func restricted(to targets: Range<Int>) -> SpikingProjection {
        precondition(plasticity == nil && !hasSynapseDelays, "only static projections with one delay are split into shards")
        var rowStart = [0], kept: [UInt32] = [], weights: [Float] = []
        rowStart.reserveCapacity(rows.preCount + 1)
        for j in 0..<rows.preCount {
            for s in rows.rowStart[j]..<rows.rowStart[j + 1] where targets.contains(Int(rows.targets[s])) {
                kept.append(rows.targets[s])
                if let w = synapseWeights { weights.append(w[s]) }
            }
            rowStart.append(kept.count)
        }
        return SpikingProjection(name: name, pre: pre, post: post,
                                 rows: SynapseRows(preCount: rows.preCount, postCount: rows.postCount, rowStart: rowStart, targets: kept),
                                 weight: weight, delay: delay, synapseWeights: synapseWeights == nil ? nil : weights)
    }
}
