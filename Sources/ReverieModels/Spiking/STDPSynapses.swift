import Foundation
import ReverieKernel

/// The learning state of a plastic projection: a spike-timing rule, one weight
/// per synapse (in the projection's CSR order), an index of each postsynaptic
/// unit's incoming synapses, and a presynaptic trace x (τ_pre) and postsynaptic
/// trace y (τ_post) per unit. Traces are stored scaled like the membrane,
/// x̃ = x e^{(t − origin)/τ}, so decaying them costs nothing between events (see
/// `SpikingNetwork`). With per-synapse delays a presynaptic spike reaches each
/// delay group of its row at its own time, so x is kept per delay group: the
/// trace of the arrivals at those synapses.
public struct STDPSynapses: Sendable {
    /// The rule's local definition (its spike hooks).
    public let rule: any PlasticityRule
    /// The pair-STDP form the rule declares as its fast kernel, if any.
    public let pairKernel: PairSTDP?
    public let tauPre: Double
    public let tauPost: Double
    public var weights: [Double]
    /// Incoming synapses of post unit i: `incoming[incomingStart[i] ..< incomingStart[i + 1]]`.
    public let incomingStart: [Int]
    /// (presynaptic unit or delay group, synapse index) of each incoming synapse.
    public let incoming: [(pre: UInt32, synapse: UInt32)]
    var preTrace: [Double]
    var postTrace: [Double]

    public init(rule: any PlasticityRule, rows: SynapseRows, initialWeight: Double) {
        self.init(rule: rule, rows: rows, initialWeights: [Double](repeating: initialWeight, count: rows.synapseCount))
    }

    /// Plastic synapses starting from the given weights (CSR order); with
    /// `groupStart` (a projection's delay groups) presynaptic traces are per group.
    public init(rule: any PlasticityRule, rows: SynapseRows, initialWeights: [Double], groupStart: [Int]? = nil) {
        precondition(initialWeights.count == rows.synapseCount, "one weight per synapse")
        guard let taus = rule.traceTimeConstants else { preconditionFailure("a spike-timing rule needs trace time constants") }
        self.rule = rule
        pairKernel = rule.fastKernel.flatMap(PairSTDP.init(kernel:))
        (tauPre, tauPost) = taus
        weights = initialWeights
        var start = [Int](repeating: 0, count: rows.postCount + 1)
        for t in rows.targets { start[Int(t) + 1] += 1 }
        for i in 0..<rows.postCount { start[i + 1] += start[i] }
        var fill = start
        var inc = [(pre: UInt32, synapse: UInt32)](repeating: (0, 0), count: rows.synapseCount)
        let starts = groupStart ?? rows.rowStart
        for pre in 0..<(starts.count - 1) {
            for s in starts[pre]..<starts[pre + 1] {
                let post = Int(rows.targets[s])
                inc[fill[post]] = (UInt32(pre), UInt32(s))
                fill[post] += 1
            }
        }
        incomingStart = start
        incoming = inc
        preTrace = [Double](repeating: 0, count: starts.count - 1)
        postTrace = [Double](repeating: 0, count: rows.postCount)
    }

    /// Bytes beyond the static connectivity: weight and incoming index per
    /// synapse, start offsets and traces per unit.
    public var bytes: Int {
        weights.count * 8 + incoming.count * 8 + incomingStart.count * 8 + (preTrace.count + postTrace.count) * 8
    }

    /// Rescales the traces when the network moves its time origin by `shift` ms.
    mutating func rebase(by shift: Double) {
        let fp = Foundation.exp(-shift / tauPre), fm = Foundation.exp(-shift / tauPost)
        for j in preTrace.indices { preTrace[j] *= fp }
        for i in postTrace.indices { postTrace[i] *= fm }
    }
}
