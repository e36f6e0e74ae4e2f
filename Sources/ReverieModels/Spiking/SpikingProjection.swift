import ReverieKernel

/// Synapses from one spiking population to another with one delay and either
/// one weight for all (a voltage jump in mV: > 0 excitatory, < 0 inhibitory),
/// a static weight per synapse, or plastic weights.
public struct SpikingProjection: Sendable {
    public var name: String
    public var pre: Int
    public var post: Int
    public var rows: SynapseRows
    public var weight: Double
    /// Static weights per synapse in CSR order (32-bit: 8 bytes per synapse with
    /// the target), or nil when every synapse has `weight`.
    public var synapseWeights: [Float]?
    /// Axonal delay (ms), at least the network's slot width.
    public var delay: Double
    /// Per-synapse weights and traces when the projection learns by STDP.
    public var plasticity: STDPSynapses?

    public init(name: String, pre: Int, post: Int, rows: SynapseRows, weight: Double, delay: Double,
                synapseWeights: [Float]? = nil, plasticity: STDPSynapses? = nil) {
        precondition(synapseWeights == nil || synapseWeights!.count == rows.synapseCount, "one weight per synapse")
        self.name = name; self.pre = pre; self.post = post; self.rows = rows
        self.weight = weight; self.delay = delay; self.synapseWeights = synapseWeights; self.plasticity = plasticity
    }

    /// Bytes held by the connectivity and weights (and learning state).
    public var bytes: Int {
        rows.bytes + (plasticity?.bytes ?? 0) + (synapseWeights?.count ?? 0) * MemoryLayout<Float>.stride
    }
}
