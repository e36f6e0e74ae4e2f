import ReverieKernel

/// Synapses from one spiking population to another with one delay and, unless
/// plastic, one weight (a voltage jump in mV: > 0 excitatory, < 0 inhibitory).
public struct SpikingProjection: Sendable {
    public var name: String
    public var pre: Int
    public var post: Int
    public var rows: SynapseRows
    public var weight: Double
    /// Axonal delay (ms), at least the network's slot width.
    public var delay: Double
    /// Per-synapse weights and traces when the projection learns by STDP.
    public var plasticity: STDPSynapses?

    public init(name: String, pre: Int, post: Int, rows: SynapseRows, weight: Double, delay: Double,
                plasticity: STDPSynapses? = nil) {
        self.name = name; self.pre = pre; self.post = post; self.rows = rows
        self.weight = weight; self.delay = delay; self.plasticity = plasticity
    }

    /// Bytes per synapse of the connectivity and weights.
    public var bytesPerSynapse: Double {
        let extra = plasticity?.bytes ?? 0
        return Double(rows.bytes + extra) / Double(max(rows.synapseCount, 1))
    }
}
