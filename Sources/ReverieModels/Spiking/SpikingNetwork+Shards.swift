import Foundation
import ReverieKernel

/// One network advanced by several threads (`reverie run --threads T`) and processes.
///
/// Shard s owns a contiguous block of every population (units
/// ⌊n·s/T⌋ ..< ⌊n·(s+1)/T⌋) with their state, their incoming synapses (as in
/// NEST, synapses live with their target) and a queue of the arrivals of the spikes
/// its units make. Per min-delay slot, in one round on their threads, every shard
/// 1. merges the slot's arrivals of every shard's queue (and of the other processes'
///    spikes) into arrival order (`SpikeArrival.precedes`, which does not depend on
///    which queue held an arrival),
/// 2. advances its own units through them (steps 1–3 of `SpikingNetwork`),
/// 3. sorts its spikes and queues their arrivals and refractory ends, and drains
///    its queue's arrivals of the next slot,
/// while shard 0 records and exports the last slot's spikes of all shards, merged in
/// (time, unit) order (each shard keeps the spike statistics of the spikes it made;
/// shard 0 also those of other processes). Between rounds only buffers are swapped
/// and, with other processes, the slot's spikes exchanged and the others' queued.
/// Nothing of a shard's arithmetic depends on the others: a unit receives the same
/// arrivals in the same order as in one network, so spikes, records and summaries
/// are the same bytes for any number of threads and processes. Spike sources are
/// emitted by shard 0.
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

    /// One slot on every shard (see the type's comment).
    func stepShards() {
        let pool = pool!
        let report = !pendingReported
        let t0 = DispatchTime.now().uptimeNanoseconds
        pool.run { k in
            let net = k == 0 ? self : self.peers[k - 1]
            let b0 = DispatchTime.now().uptimeNanoseconds
            if k == 0 && report { self.reportShardSpikes() }
            net.mergeArrivals(of: self)
            net.advanceOwnUnits()
            net.queueSpikes()
            net.queue.drain(slot: net.slot + 1, into: &net.queuedNext)
            net.busyNanos += DispatchTime.now().uptimeNanoseconds - b0
        }
        let t1 = DispatchTime.now().uptimeNanoseconds
        func turn(_ net: SpikingNetwork) {
            swap(&net.fired, &net.lastFired)
            net.fired.removeAll(keepingCapacity: true)
            swap(&net.queuedNow, &net.queuedNext)
        }
        turn(self)
        for net in peers { turn(net); net.slot += 1 }
        if let exchange { exchangeSpikes(exchange) }
        pendingReported = false
        slot += 1
        shardNanos.rounds += t1 - t0
        shardNanos.exchange += DispatchTime.now().uptimeNanoseconds - t1
    }

    /// Puts the slot's arrivals of every shard's queue (and of other processes) into
    /// `arrivals`, in arrival order: each list is in that order, merged one by one.
    func mergeArrivals(of first: SpikingNetwork) {
        arrivals.removeAll(keepingCapacity: true)
        func take(_ list: [SpikeArrival]) {
            guard !list.isEmpty else { return }
            guard !arrivals.isEmpty else { arrivals += list; return }
            swap(&arrivals, &merged)
            SpikeArrival.merge(merged, list, into: &arrivals)
        }
        take(first.queuedNow)
        for net in first.peers { take(net.queuedNow) }
        take(first.remoteArrivals)
    }

    /// Sends this process's spikes of the last slot to the other processes and queues theirs.
    func exchangeSpikes(_ exchange: any SpikeExchange) {
        var local = lastFired
        for net in peers { local += net.lastFired }
        // The synaptic events of the slot travel with the spikes.
        let events = localSynapticEvents - exchangedSynapticEvents
        let t0 = DispatchTime.now().uptimeNanoseconds
        let (others, all) = exchange.allGather(local, count: events)
        shardNanos.collective += DispatchTime.now().uptimeNanoseconds - t0
        remoteSynapticEvents += all - events
        exchangedSynapticEvents = localSynapticEvents
        remoteSpikes = others
        sortSpikes(&remoteSpikes)
        schedule(remoteSpikes, into: &remoteQueue)
        remoteQueue.drain(slot: slot + 1, into: &remoteArrivals)
    }

    /// Where the wall time of the slots went, on this process.
    public var shardSeconds: ShardSeconds {
        ShardSeconds(rounds: Double(shardNanos.rounds) * 1e-9, exchange: Double(shardNanos.exchange) * 1e-9,
                     collective: Double(shardNanos.collective) * 1e-9,
                     busy: ([self] + peers).map { Double($0.busyNanos) * 1e-9 })
    }

    /// Reports the last slot's spikes now (before the counts, records or exported
    /// events are read, and before records of a later time are emitted).
    func reportShardSpikes() {
        guard !pendingReported else { return }
        pendingReported = true
        guard sinks.isActive || exported.contains(true) else {
            // Nothing reads them one by one: count them, and record the other processes' (in (time, unit) order).
            for (_, i) in remoteSpikes { recorded.prefetch(i) }
            for (t, i) in remoteSpikes { recorded.record(i, at: t) }
            spikes += peers.reduce(lastFired.count + remoteSpikes.count) { $0 + $1.lastFired.count }
            return
        }
        pending.removeAll(keepingCapacity: true)
        pending += lastFired
        for net in peers { pending += net.lastFired }
        pending += remoteSpikes
        sortSpikes(&pending)
        report(pending)
    }
}
