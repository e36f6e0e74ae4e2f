import ReverieKernel

/// Input from another family's population (e.g. spike sources driving binary
/// units): each event (a spike) reaches the targets of its synapses after the
/// projection's delay and adds w to their fields for `pulse` time units (a
/// rectangular postsynaptic potential; ∞ for a lasting step). Both edges are
/// ordinary deliveries through the network's scheduler, so the units see only
/// their fields, and the unstable count stays exact.
extension BinaryNetwork {
    /// Adds synapses from a population of another family (whose units have global
    /// ids from `foreignFirstID`) to population `post`; returns the link index
    /// the events arrive with.
    @discardableResult
    public func connectForeign(_ name: String, foreignFirstID: UInt32, to post: Int, synapses: Connectivity,
                               delay: SimTime, pulse: SimTime) -> Int {
        precondition(synapses.postCount == populations[post].size, "connectivity shape does not match the population")
        precondition(delay.value > 0 && pulse.value > 0, "links need a delay and a pulse width > 0")
        projections.append(Projection(name: name, pre: nil, foreignFirstID: foreignFirstID, post: post, synapses: synapses,
                                      delay: delay, skipSelf: false))
        if externalField.isEmpty { externalField = [Double](repeating: 0, count: unitCount) }
        linkProjections.append([(projections.count - 1, pulse)])
        return linkProjections.count - 1
    }

    public func receive(_ events: [FamilyEvent], link: Int) {
        for (k, pulse) in linkProjections[link] {
            let delay = projections[k].delay
            for e in events {
                let on = Message(projection: UInt16(k), pre: UInt32(e.unit), delta: e.value)
                scheduler.schedule(on, after: e.time + delay - now)
                if pulse.value.isFinite {
                    scheduler.schedule(Message(projection: UInt16(k), pre: UInt32(e.unit), delta: -e.value), after: e.time + delay + pulse - now)
                }
            }
        }
    }

    /// Keeps `externalField` in step with a delivery along a link projection.
    func recordExternal(_ msg: Message) {
        let k = Int(msg.projection), j = Int(msg.pre)
        let base = populations[projections[k].post].ids.lowerBound
        projections[k].synapses.forEachSynapse(from: j) { i, w in externalField[base + i] += w * msg.delta }
    }
}
