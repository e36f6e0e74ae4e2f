import ReverieKernel

/// Local learning on a binary network's projections, and relaxation to fixed
/// points for the protocols that learn at them (dreaming, sleep, basins).
extension BinaryNetwork {
    /// What each unit of population `p` sends its synapses: its state, and its field.
    public func signals(population p: Int) -> [LocalSignal] {
        populations[p].ids.map { LocalSignal(activity: state[$0], aux: field[$0]) }
    }

    /// Applies `rule` to every synapse of projection `k` from the signals the two
    /// ends currently send (through the rule's fast kernel when it declares one
    /// and `fastKernel` allows: the same bits), then reassembles the fields.
    public func learn(projection k: Int, rule: AnyPlasticityRule, fastKernel: Bool = true) {
        guard let pre = projections[k].pre else { preconditionFailure("projection \(projections[k].name) comes from another family") }
        if fastKernel, case .rank1(let scale)? = rule.fastKernel, case .dense(var w) = projections[k].synapses {
            projections[k].synapses = .dense(DenseWeights(preCount: 0, postCount: 0))  // unique storage, in-place update
            DenseKernels.rank1(&w, rows: state[populations[pre].ids], columns: state[populations[projections[k].post].ids].map { scale * $0 },
                               keepDiagonal: projections[k].skipSelf)
            projections[k].synapses = .dense(w)
        } else {
            let a = signals(population: pre), b = signals(population: projections[k].post)
            rule.apply(to: &projections[k].synapses, pre: a, post: b, skipSelf: projections[k].skipSelf)
        }
        recomputeFields()
    }

    /// The rank-1 rule `w_{j→i} += (scale·a_i)·a_j` on dense projection `k`, a the
    /// states the units send: bitwise what `learn(projection:rule:)` computes.
    /// Fields follow in O(N) instead of O(synapses):
    /// `Δh_i = scale·a_i·Σ_{j≠i} a_j s_j` (the j = i term only without self-synapses).
    ///
    /// With `next`, the population then takes the states `next` (free) as `setState` would,
    /// but its fields `h = J next` are summed in the same pass over the weights
    /// (row by row, in row order), so the next noise input of a dream costs no
    /// extra pass. This needs `k` to be the only projection into and out of a
    /// recurrent population; otherwise the update and `setState` run one after the other.
    /// Returns false, changing nothing, when the projection is not dense.
    @discardableResult
    public func learnRank1(scale: Double, projection k: Int, thenImpose next: [Double]? = nil) -> Bool {
        guard case .dense(var w) = projections[k].synapses, let pre = projections[k].pre else { return false }
        let p = projections[k].post
        let fused = next != nil && pre == p && outgoing[p] == [k]
            && projections.indices.allSatisfy { $0 == k || projections[$0].post != p }
        if let next, fused { precondition(next.allSatisfy { $0.magnitude == 1 }, "binary states are ±1") }
        projections[k].synapses = .dense(DenseWeights(preCount: 0, postCount: 0))  // unique storage, in-place update
        let preIDs = populations[pre].ids, postIDs = populations[p].ids
        let skip = projections[k].skipSelf
        let u = state[postIDs].map { scale * $0 }
        if let next, fused {
            DenseKernels.rank1Project(&w, rows: state[preIDs], columns: u, state: next, fields: &field, at: postIDs.lowerBound,
                                      keepDiagonal: skip)
            state.replaceSubrange(preIDs, with: next)
            watched.replaceSubrange(postIDs, with: next)
            freeCount = watched.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
        } else {
            DenseKernels.rank1(&w, rows: state[preIDs], columns: u, keepDiagonal: skip)
            var dot = 0.0
            for j in preIDs { dot += state[j] * state[j] }
            for i in 0..<w.postCount {
                let own = skip ? state[preIDs.lowerBound + i] * state[preIDs.lowerBound + i] : 0
                field[postIDs.lowerBound + i] += u[i] * (skip ? dot - own : dot)
            }
        }
        projections[k].synapses = .dense(w)
        recountUnstable()
        pendingTick = nil
        if let next, !fused { setState(next, population: p) }
        return true
    }

    /// Replaces the weights of projection `k` (e.g. a closed-form reference).
    public func setSynapses(_ synapses: Connectivity, projection k: Int) {
        precondition(synapses.preCount == projections[k].synapses.preCount
                     && synapses.postCount == projections[k].synapses.postCount)
        projections[k].synapses = synapses
        recomputeFields()
    }

    /// Reports every weight of projection `k` to the sinks.
    public func emitWeights(projection k: Int, at time: SimTime) {
        guard sinks.isActive else { return }
        let proj = projections[k]
        let preBase = proj.pre.map { firstID + UInt32(populations[$0].ids.lowerBound) } ?? proj.foreignFirstID!
        let postBase = firstID + UInt32(populations[proj.post].ids.lowerBound)
        for j in 0..<proj.synapses.preCount {
            proj.synapses.forEachSynapse(from: j) { i, w in
                sinks.emit(.weight(pre: NeuronID(preBase + UInt32(j)), post: NeuronID(postBase + UInt32(i)), w, at: time))
            }
        }
    }

    /// Runs the free dynamics from the current state until no unit is unstable and
    /// nothing is in flight (`StopReason.quiescent`, an exact fixed point), on the
    /// network's own clock. Returns the number of flips.
    @discardableResult
    public func relaxToFixedPoint(maxEvents: Int) throws -> Int {
        let before = flips
        beginRelaxation(at: now)
        var control = AdvanceControl(budget: maxEvents)
        guard runScheduler(until: .infinity, control: &control) == .quiescent else { throw RelaxationError(events: maxEvents) }
        return flips - before
    }

    /// The same on a separate scheduler, off the network's clock (a measurement
    /// such as a basin of attraction, which must not move the run's time).
    @discardableResult
    public func relaxToFixedPoint(_ scheduler: inout Scheduler<Message>, maxEvents: Int) throws -> Int {
        let before = flips
        beginRelaxation(at: scheduler.now)
        guard scheduler.run(self, maxEvents: maxEvents) == .quiescent else { throw RelaxationError(events: maxEvents) }
        return flips - before
    }
}

/// A relaxation that did not reach a fixed point within its event budget (only
/// possible with asymmetric couplings or nonzero temperature).
public struct RelaxationError: Error, CustomStringConvertible {
    public var events: Int
    public var description: String { "the dynamics did not reach a fixed point within \(events) events" }
}
