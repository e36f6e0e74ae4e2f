/// Where the wall time of a sharded run's slots went, in one process.
public struct ShardSeconds: Sendable {
    /// In the shards' rounds (the slowest shard's time, and waking the others).
    public var rounds = 0.0
    /// Between rounds: swapping buffers and, with other processes, exchanging and queueing spikes.
    public var exchange = 0.0
    /// Of `exchange`, in the collective with the other processes (waiting for the slowest included).
    public var collective = 0.0
    /// Per shard of this process: its own work in the rounds (the rest of `rounds` it waited).
    public var busy: [Double] = []
}
