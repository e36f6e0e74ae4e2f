import Foundation
import ReverieKernel

/// One network advanced by several threads (`reverie run --threads T`).
///
/// Shard s owns a contiguous block of every population (units
/// ⌊n·s/T⌋ ..< ⌊n·(s+1)/T⌋) with their state and their incoming synapses (as in
/// NEST, synapses live with their target). Per min-delay slot, every shard
/// advances its own units through the slot's arrivals on its own thread (steps
/// 1–3 of `SpikingNetwork`) and sorts its spikes; the slot's spikes of all shards
/// are merged in (time, unit) order; then every shard queues the arrivals of all of them,
/// while shard 0 records and exports them (each shard keeps the spike statistics
/// of the spikes it made; shard 0 also those of other processes). Nothing of a shard's
/// arithmetic depends on the others: a unit receives the same arrivals in the
/// same order as in one network (every queue holds every arrival, drained in
/// the same order), so spikes, records and summaries are the same bytes for
/// any number of threads. Spike sources are emitted by shard 0.
///
/// Static projections with one delay each only: a plastic synapse's update and
/// per-synapse delay groups are not split yet (`shardingObstacle`).
extension SpikingNetwork {
    /// Why the network cannot be split into shards, if it cannot.
    public var shardingObstacle: String? {
        if let p = projections.first(where: { $0.plasticity != nil }) { return "projection \(p.name) is plastic" }
        if let p = projections.first(where: { $0.hasSynapseDelays }) { return "projection \(p.name) has a delay per synapse" }
        return nil
    }

    /// The number of processes (MPI ranks) the network is split over, if more than this one.
    public var processCount: Int? { exchange?.size }

    /// Splits a network that has not run yet into `count` shards and keeps shards
    /// `kept` (all by default) in this process: this network becomes the first of
    /// them. With `exchange`, the other shards run in the other processes, and the
    /// spikes of every slot are exchanged with them (their spike sources run in
    /// the process that keeps shard 0).
    public func split(into count: Int, keeping kept: Range<Int>? = nil, exchange: (any SpikeExchange)? = nil) {
        let kept = kept ?? 0..<count
        precondition(count >= 1 && !kept.isEmpty && kept.upperBound <= count && peers.isEmpty && slot == 0 && queue.count == 0
                     && shardingObstacle == nil)
        guard count > 1 else { return }
        let blocks = (0..<count).map { s in populations.map { p in (p.first + p.size * s / count)..<(p.first + p.size * (s + 1) / count) } }
        let whole = projections
        func part(_ s: Int) -> [SpikingProjection] {
            whole.map { p in
                let first = populations[p.post].first, block = blocks[s][p.post]
                return p.restricted(to: (block.lowerBound - first)..<(block.upperBound - first))
            }
        }
        peers = kept.dropFirst().map { s in
            // Its spike sources never emit (shard 0's do): their stream is unused.
            let net = SpikingNetwork(populations: populations, projections: part(s), queue: queueKind, slotWidth: slotWidth,
                                     firstID: firstID, rng: RandomStream(seed: 0))
            net.u = u; net.refractoryUntil = refractoryUntil
            net.iEx = iEx; net.iIn = iIn; net.lastInput = lastInput
            net.owned = blocks[s]
            net.emitsSources = false
            return net
        }
        projections = part(kept.lowerBound)
        owned = blocks[kept.lowerBound]
        emitsSources = kept.lowerBound == 0
        self.exchange = exchange
        pool = ShardPool(count: kept.count)
    }

    /// The shard of this process that owns unit `i` (nil: another process's).
    func owner(of i: Int) -> SpikingNetwork? {
        let p = population(of: i)
        if owned[p].contains(i) { return self }
        return peers.first { $0.owned[p].contains(i) }
    }

    /// Whether the network is split into shards (threads or processes).
    var isSharded: Bool { pool != nil }

    /// Synapses reached by arrivals, over this process's shards.
    var localSynapticEvents: Int { peers.reduce(synapticEvents) { $0 + $1.synapticEvents } }

    /// Synapses reached by arrivals, over every shard (of every process, as of the last slot).
    var allSynapticEvents: Int { localSynapticEvents + remoteSynapticEvents }

    /// One slot on every shard (see the type's comment). Shard 0 drains the one
    /// queue and every shard reads its arrivals; every shard queues the refractory
    /// ends of its units among the last slot's spikes, and shard 0 reports those
    /// spikes while the shards advance (unless `reportShardSpikes` did already);
    /// the slot's spikes are merged and queued between rounds.
    func stepShards() {
        let pool = pool!
        let t0 = DispatchTime.now().uptimeNanoseconds
        queue.drain(slot: slot, into: &arrivals)
        for net in peers { net.arrivals = arrivals }
        var previous = pending
        let report = !pendingReported
        let t1 = DispatchTime.now().uptimeNanoseconds
        pool.run { k in
            let net = k == 0 ? self : self.peers[k - 1]
            if k == 0 && report { self.report(previous) }
            net.queueRefractoryEnds(of: previous)
            net.advanceOwnUnits()
            net.sortSpikes(&net.fired)  // in parallel: the merge below sorts sorted runs
        }
        let t2 = DispatchTime.now().uptimeNanoseconds
        previous = []  // `pending`'s buffer, swapped into `fired` below, is unique again
        for net in peers {
            net.arrivals = []  // shard 0's buffer is its own again
            if !net.fired.isEmpty {
                fired += net.fired
                net.fired.removeAll(keepingCapacity: true)
            }
            net.slot += 1
        }
        if let exchange {
            // The other processes' spikes, and their synaptic events of the slot.
            let local = localSynapticEvents
            let (all, events) = exchange.allGather(fired, count: local - exchangedSynapticEvents)
            remoteSynapticEvents += events - (local - exchangedSynapticEvents)
            exchangedSynapticEvents = local
            fired = all
        }
        sortSpikes(&fired)
        schedule(fired)
        swap(&fired, &pending)
        fired.removeAll(keepingCapacity: true)
        pendingReported = false
        slot += 1
        shardSeconds.rounds += Double(t2 - t1) * 1e-9
        shardSeconds.exchange += Double(t1 - t0 + DispatchTime.now().uptimeNanoseconds - t2) * 1e-9
    }

    /// Reports the last slot's spikes now (before the counts, records or exported
    /// events are read, and before records of a later time are emitted).
    func reportShardSpikes() {
        guard !pendingReported else { return }
        report(pending)
        pendingReported = true
    }
}
