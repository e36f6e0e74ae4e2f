import ReverieKernel

/// Synapses from one spiking population to another with either one weight for
/// all (a voltage jump in mV for `lif` targets, a current step in pA for
/// `lif-exp` ones: > 0 excitatory, < 0 inhibitory), a static weight per
/// synapse, or plastic weights; and either one delay or a delay per synapse.
///
/// Per-synapse delays: within each row the synapses are kept sorted by delay,
/// and each run of equal delays in a row is a *delay group*. A spike sends one
/// arrival per group of its row (`SpikeArrival.source` is then the group), so
/// the queue stays exact with any delays while synapses that share a delay
/// (all of them, with one delay) are still delivered together.
public struct SpikingProjection: Sendable {
    public var name: String
    public var pre: Int
    public var post: Int
    public var rows: SynapseRows
    public var weight: Double
    /// Static weights per synapse in CSR order (32-bit: 8 bytes per synapse with
    /// the target), or nil when every synapse has `weight`.
    public var synapseWeights: [Float]?
    /// The axonal delay (ms) of every synapse, or the shortest one with per-synapse delays.
    public var delay: Double
    /// Per-synapse delays (ms) in CSR order, nondecreasing within each row, or nil.
    public let synapseDelays: [Double]?
    /// Delay groups, when delays are per synapse: the groups of row j are
    /// `rowGroupStart[j] ..< rowGroupStart[j + 1]`, group g holds synapses
    /// `groupStart[g] ..< groupStart[g + 1]` with delay `groupDelay[g]`.
    public let rowGroupStart: [Int]
    public let groupStart: [Int]
    public let groupDelay: [Double]
    /// The longest delay (ms).
    public let maxDelay: Double
    /// Whether delays are per synapse (arrivals then name delay groups rather than rows).
    public let hasSynapseDelays: Bool
    /// Per-synapse weights and traces when the projection learns by STDP.
    public var plasticity: STDPSynapses?

    /// `synapseDelays`, if given, must be ≥ 0 with each row's nondecreasing
    /// (`sortedByDelay` puts drawn delays in that order).
    public init(name: String, pre: Int, post: Int, rows: SynapseRows, weight: Double, delay: Double,
                synapseWeights: [Float]? = nil, synapseDelays: [Double]? = nil, plasticity: STDPSynapses? = nil) {
        precondition(synapseWeights == nil || synapseWeights!.count == rows.synapseCount, "one weight per synapse")
        self.name = name; self.pre = pre; self.post = post; self.rows = rows
        self.weight = weight; self.synapseWeights = synapseWeights; self.plasticity = plasticity
        self.synapseDelays = synapseDelays
        hasSynapseDelays = synapseDelays != nil
        guard let d = synapseDelays else {
            self.delay = delay; maxDelay = delay
            rowGroupStart = []; groupStart = []; groupDelay = []
            return
        }
        precondition(d.count == rows.synapseCount, "one delay per synapse")
        var rowGroups = [0], starts: [Int] = [], delays: [Double] = []
        for j in 0..<rows.preCount {
            for s in rows.rowStart[j]..<rows.rowStart[j + 1] {
                precondition(d[s] >= 0 && (s == rows.rowStart[j] || d[s] >= d[s - 1]), "delays nondecreasing within each row")
                if s == rows.rowStart[j] || d[s] != d[s - 1] { starts.append(s); delays.append(d[s]) }
            }
            rowGroups.append(starts.count)
        }
        starts.append(rows.synapseCount)
        rowGroupStart = rowGroups; groupStart = starts; groupDelay = delays
        self.delay = delays.min() ?? delay
        maxDelay = delays.max() ?? delay
    }


    /// Bytes held by the connectivity, weights and delays (and learning state).
    public var bytes: Int {
        rows.bytes + (plasticity?.bytes ?? 0) + (synapseWeights?.count ?? 0) * MemoryLayout<Float>.stride
            + (synapseDelays?.count ?? 0) * 8 + (groupStart.count + rowGroupStart.count + groupDelay.count) * 8
    }

    /// Reorders each row of `rows` by (delay, target), carrying `delays` and
    /// `weights` (both in CSR order) along: the layout per-synapse delays need.
    public static func sortedByDelay(rows: SynapseRows, delays: [Double], weights: [Double]?)
        -> (rows: SynapseRows, delays: [Double], weights: [Double]?) {
        precondition(delays.count == rows.synapseCount && (weights?.count ?? delays.count) == delays.count)
        var order = Array(0..<rows.synapseCount)
        for j in 0..<rows.preCount {
            let r = rows.rowStart[j]..<rows.rowStart[j + 1]
            order[r].sort { delays[$0] != delays[$1] ? delays[$0] < delays[$1] : $0 < $1 }
        }
        let sorted = SynapseRows(preCount: rows.preCount, postCount: rows.postCount, rowStart: rows.rowStart,
                                 targets: order.map { rows.targets[$0] })
        return (sorted, order.map { delays[$0] }, weights.map { w in order.map { w[$0] } })
    }
}
