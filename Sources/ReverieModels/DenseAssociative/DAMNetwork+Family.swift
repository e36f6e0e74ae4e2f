import ReverieKernel

/// The dense associative memory as a family of the engine: visible units, then
/// memory units, in id order; its clock is its scheduler's.
extension DAMNetwork: RelaxingNetwork {
    public var layout: [RunDescription.Population] {
        [.init(name: name, model: "dam", firstID: firstID, size: size),
         .init(name: name + ".memories", model: "dam-memory", firstID: firstID + UInt32(size), size: memoryCount)]
    }

    public var counters: RunCounters { relaxationCounters }

    /// The protocol holds the states between phases: the clock moves to `time`
    /// and a relaxation begins there.
    public func resume(at time: SimTime) { resumeRelaxation(at: time) }

    public func advance(until end: SimTime, control: inout AdvanceControl) -> StopReason {
        runScheduler(until: end, control: &control)
    }

    /// Every synapse ξ_i^μ as a weight from memory unit μ to visible unit i.
    public func emitWeights(at time: SimTime) {
        guard sinks.isActive else { return }
        let memoryBase = Int(firstID) + size
        for mu in 0..<memoryCount {
            for i in 0..<size {
                sinks.emit(.weight(pre: NeuronID(memoryBase + mu), post: NeuronID(Int(firstID) + i), memories[pre: mu, post: i], at: time))
            }
        }
    }
}
