import CReverieSIMD
import Foundation
import Synchronization

/// Threads that run the shards of a network together, one round at a time
/// (`run`): the calling thread takes shard 0, a persistent worker thread each
/// other shard, and `run` returns when every shard has finished its round.
/// Workers wait for a round by spinning (with a pause hint), then yielding, then sleeping on a condition,
/// so a round costs microseconds on idle cores and no CPU between runs. Shards
/// share nothing while a round runs; what they exchange is merged by the
/// caller between rounds, so the results cannot depend on the threads' timing.
public final class ShardPool: @unchecked Sendable {
    public let count: Int
    private let shared: Shared
    /// Spin-wait hints before a waiting thread yields its core (~0.1–1 ms: rounds
    /// of a network's slot take tens of µs, and a yield costs a system call).
    static let spins = 20_000

    /// What the threads share; each worker holds it, so it outlives the pool until they exit.
    private final class Shared: @unchecked Sendable {
        let round = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        let lock = NSCondition()
        var job: ((Int) -> Void)?

        func startRound() {
            lock.lock(); round.add(1, ordering: .releasing); lock.broadcast(); lock.unlock()
        }

        func work(_ k: Int) {
            var seen = 0
            while true {
                var spins = 0
                while round.load(ordering: .acquiring) == seen {
                    spins += 1
                    if spins > ShardPool.spins + 2000 {
                        lock.lock()
                        while round.load(ordering: .acquiring) == seen { lock.wait() }
                        lock.unlock()
                    } else if spins > ShardPool.spins {
                        sched_yield()
                    } else {
                        rv_cpu_relax()
                    }
                }
                seen = round.load(ordering: .acquiring)
                if stopping.load(ordering: .acquiring) { return }
                job?(k)
                finished.add(1, ordering: .releasing)
            }
        }
    }

    public init(count: Int) {
        precondition(count >= 1)
        self.count = count
        shared = Shared()
        for k in 1..<count {
            let t = Thread { [shared] in shared.work(k) }
            t.stackSize = 8 << 20
            t.start()
        }
    }

    deinit {
        shared.stopping.store(true, ordering: .releasing)
        shared.job = nil
        shared.startRound()
    }

    /// Runs `body(k)` for every shard k, concurrently, and waits for all of them.
    public func run(_ body: @escaping (Int) -> Void) {
        guard count > 1 else { body(0); return }
        shared.job = body
        shared.finished.store(0, ordering: .relaxed)
        shared.startRound()
        body(0)
        var spins = 0
        while shared.finished.load(ordering: .acquiring) < count - 1 {
            spins += 1
            if spins > Self.spins { sched_yield() } else { rv_cpu_relax() }
        }
        shared.job = nil
    }
}
