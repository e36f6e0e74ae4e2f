/// The processes (MPI ranks) that run the shards of one network together: per
/// min-delay slot each sends its shards' spikes and receives everyone's.
/// Collective: every process calls each method in the same order. A failure
/// (a process died) ends the job; the methods do not return then.
public protocol SpikeExchange: AnyObject {
    /// This process's index and the number of processes.
    var rank: Int { get }
    var size: Int { get }
    /// The other processes' `spikes`, concatenated in process order, and the sum of every process's `count`.
    func allGather(_ spikes: [(time: Double, unit: Int)], count: Int) -> (spikes: [(time: Double, unit: Int)], count: Int)
    /// Whether `value` holds on every process.
    func all(_ value: Bool) -> Bool
}
