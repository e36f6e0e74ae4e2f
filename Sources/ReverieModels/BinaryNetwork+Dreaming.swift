import CReverieSIMD
import ReverieKernel

/// A relaxation that did not reach a fixed point within its event budget (only
/// possible with asymmetric couplings or nonzero temperature).
public struct RelaxationError: Error, CustomStringConvertible {
    public var events: Int
    public var description: String { "the dynamics did not reach a fixed point within \(events) events" }
}

/// Fast, exact building blocks of dreaming (science.md §3) on a binary network.
extension BinaryNetwork {
    /// Runs the free dynamics from the current state until no unit is unstable and
    /// nothing is in flight (`StopReason.quiescent`, an exact fixed point).
    /// Returns the number of flips.
    @discardableResult
    public func relaxToFixedPoint(_ scheduler: inout Scheduler<Message>, maxEvents: Int) throws -> Int {
        let before = flips
        beginRelaxation(at: scheduler.now)
        guard scheduler.run(self, maxEvents: maxEvents) == .quiescent else { throw RelaxationError(events: maxEvents) }
        return flips - before
    }

    /// `HebbianRule` on dense projection `k` as one rank-1 pass,
    /// `w_{j→i} += (scale·a_i)·a_j` with a the states the units send: bitwise what
    /// `learn(projection:rule:)` computes synapse by synapse through the local rule.
    /// Fields follow in O(N) instead of O(synapses):
    /// `Δh_i = scale·a_i·Σ_{j≠i} a_j s_j` (the j = i term only without self-synapses).
    ///
    /// With `next`, the population then takes the states `next` (free) as `setState` would,
    /// but its fields `h = J next` are summed in the same pass over the weights
    /// (row by row, in row order), so the next noise input costs no
    /// extra pass. This needs `k` to be the only projection into and out of a
    /// recurrent population; otherwise the update and `setState` run one after the other.
    /// Returns false, changing nothing, when the projection is not dense.
    @discardableResult
    public func learnHebbian(_ rule: HebbianRule, projection k: Int, thenImpose next: [Double]? = nil) -> Bool {
        guard case .dense(var w) = projections[k].synapses else { return false }
        let p = projections[k].post
        let fused = next != nil && projections[k].pre == p && outgoing[p] == [k]
            && projections.indices.allSatisfy { $0 == k || projections[$0].post != p }
        if let next, fused { precondition(next.allSatisfy { $0.magnitude == 1 }, "binary states are ±1") }
        projections[k].synapses = .dense(DenseWeights(preCount: 0, postCount: 0))  // unique storage, in-place update
        let preBase = populations[projections[k].pre].ids.lowerBound
        let postBase = populations[p].ids.lowerBound
        let skip = projections[k].skipSelf
        let n = w.postCount, m = w.preCount
        let u = state.withUnsafeBufferPointer { s in (0..<n).map { rule.scale * s[postBase + $0] } }
        state.withUnsafeMutableBufferPointer { s in
            let pre = s.baseAddress! + preBase
            field.withUnsafeMutableBufferPointer { h in
                let hp = h.baseAddress! + postBase
                w.weights.withUnsafeMutableBufferPointer { wb in
                    if let next, fused {
                        for i in 0..<n { hp[i] = 0 }
                        rv_rank1_project(wb.baseAddress!, Int64(m), Int64(n), u, pre, next, hp, skip ? 1 : 0)
                        for i in 0..<n { pre[i] = next[i] }
                    } else {
                        for j in 0..<m {
                            let aj = pre[j], row = wb.baseAddress! + j * n
                            let own = skip ? row[j] : 0
                            for i in 0..<n { row[i] += u[i] * aj }
                            if skip { row[j] = own }
                        }
                        var dot = 0.0
                        for j in 0..<m { dot += pre[j] * pre[j] }
                        for i in 0..<n { hp[i] += u[i] * (skip ? dot - pre[i] * pre[i] : dot) }
                    }
                }
            }
        }
        projections[k].synapses = .dense(w)
        if let next, fused {
            watched.withUnsafeMutableBufferPointer { for i in 0..<n { $0[postBase + i] = next[i] } }
            freeCount = watched.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
        }
        recountUnstable()
        pendingTick = nil
        if let next, !fused { setState(next, population: p) }
        return true
    }
}
