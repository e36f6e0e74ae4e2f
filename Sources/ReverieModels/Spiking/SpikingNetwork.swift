import Foundation
import CReverieSIMD
import ReverieKernel

/// A network of spiking units (LIF units and spike sources) whose spike times
/// are exact: nothing is on a time grid.
///
/// Time advances in slots of width d_min, the smallest projection delay. A
/// spike emitted in a slot reaches its targets in a later slot, so within a
/// slot every LIF unit evolves independently (Morrison et al. 2005; NEST's
/// min-delay windows). Per slot the network
/// 1. emits the sources' spikes that fall in the slot,
/// 2. delivers the slot's arrivals in time order: before applying an input at
///    time t a unit checks, in closed form, whether it crossed threshold since
///    its last event, and spikes at that exact time if so; inputs arriving at
///    the same time are summed before the threshold test (as in NEST's
///    precise-timing neurons), so their order does not matter,
/// 3. finds the units that cross threshold later in the slot without input,
/// 4. reports the slot's spikes in (time, unit) order and queues their arrivals.
///
/// Each LIF unit stores u = (V − V_∞) e^{(t − origin)/τ_m}, constant between
/// events, so V(t) = V_∞ + u e^{−(t − origin)/τ_m}: a spike arriving at t costs
/// one exponential for all targets of a projection and one multiply-add per
/// synapse, and the unit is above threshold at t iff u ≥ (V_th − V_∞) e^{(t − origin)/τ_m}.
/// The origin moves forward from time to time (`rebase`) to keep u finite.
/// A refractory unit holds u = −∞, so arrivals leave it unchanged without a
/// test; its reset value is restored at the end of the period, in time order
/// with the arrivals (per-population FIFOs: the periods end in spike order).
/// Slots are no longer than the shortest nonzero t_ref, so a period that
/// starts in a slot ends in a later one.
///
/// `lif-exp` units (exponential currents, `LIFExpParameters`) store the same
/// u as the membrane's free term and their currents scaled alike,
/// x_c = I_c e^{(t − origin)/τ_c}; an arrival costs two multiply-adds per
/// synapse, and the threshold is found on the closed form between events
/// (`SpikingNetwork+Currents`).
///
/// The locality contract: a unit reads only its own state and the arrivals
/// delivered to it; an STDP synapse reads only the traces of its two units.
/// The state touched per event is marked `@exclusivity(unchecked)`: it is
/// only ever accessed from the network's own methods, one event at a time, and
/// the dynamic checks Swift would otherwise make on every access of a class
/// property cost a measurable share of an event (see the README's design notes).
public final class SpikingNetwork {
    public let populations: [SpikingPopulation]
    @exclusivity(unchecked) public internal(set) var projections: [SpikingProjection]
    /// d_min (ms): the slot width.
    public let slotWidth: Double
    /// Trace id of unit 0.
    public let firstID: UInt32
    public let sinks: SinkHub
    public let queueKind: SpikeQueueKind

    @exclusivity(unchecked) var u: [Double]
    @exclusivity(unchecked) var refractoryUntil: [Double]
    /// The time the scaled membrane and trace values refer to.
    @exclusivity(unchecked) public private(set) var origin = 0.0
    /// The next slot to process; the network's clock is `slot × slotWidth`.
    @exclusivity(unchecked) public internal(set) var slot = 0
    /// The arrivals of the spikes this network made (of every spike, unless it is a shard).
    @exclusivity(unchecked) var queue: any SpikeArrivalQueue
    /// The arrivals of the slot being delivered.
    @exclusivity(unchecked) var arrivals: [SpikeArrival] = []
    /// The arrivals of the spikes being queued (`schedule`).
    @exclusivity(unchecked) var outbox: [SpikeArrival] = []
    /// Room for the units a kernel reports (a row's targets, a population's units).
    @exclusivity(unchecked) var scratch: [Int64]
    /// Units lifted to threshold by input at the current arrival time (flag and list).
    @exclusivity(unchecked) var atThreshold: [Bool]
    @exclusivity(unchecked) var thresholdUnits: [Int] = []
    /// Spikes of the slot being processed, reported and sent at its end.
    @exclusivity(unchecked) var fired: [(time: Double, unit: Int)] = []
    @exclusivity(unchecked) var sources: [SpikeSourceState]
    /// What delivery needs of each projection, without its arrays.
    struct Route {
        var first: Int
        var population: Int
        /// The target's voltage-jump parameters (unused when `current` is set).
        var lif: LIFParameters
        /// The target's parameters when it has exponential synaptic currents.
        var current: LIFExpParameters?
        var weight: Double
        var plastic: Bool
    }
    let routes: [Route]
    /// The slot's `rv_jump_route` of each projection (`fillJumpRoutes`).
    @exclusivity(unchecked) var jumpRoutes: [rv_jump_route] = []
    /// lif-exp units: scaled excitatory and inhibitory currents, time of the last input.
    @exclusivity(unchecked) var iEx: [Double]
    @exclusivity(unchecked) var iIn: [Double]
    @exclusivity(unchecked) var lastInput: [Double]
    /// The bound and arrival coefficients handed to the lif-exp kernels (21 values, see `rv_lifexp_deliver`).
    @exclusivity(unchecked) var currentCoefficients = [Double](repeating: 0, count: 21)
    /// Per population, the lif-exp factors at the start of the slot being processed.
    @exclusivity(unchecked) var slotFactors: [CurrentSlotFactors]
    /// Per population: (end of refractory period, unit), in time order.
    @exclusivity(unchecked) var refractoryEnds: [SpikeFIFO] = []
    /// Projections leaving / plastic projections entering each population.
    let outgoing: [[Int]]
    let plasticInto: [[Int]]
    /// Whether any projection is plastic (a spike then updates synapses).
    let hasPlasticity: Bool
    /// Each population's voltage-jump LIF parameters (read per spike without copying a population).
    let unitLIF: [LIFParameters?]
    /// Whether each population's units integrate input (either LIF kind) rather than emit given spikes.
    let isLIF: [Bool]
    var recordedVoltages: [Int] = []
    var voltageEvery = 0
    /// How far the clock may run ahead of the origin: scaled values grow like
    /// e^{(t − origin)/τ}, kept below e^30 for the shortest τ.
    let rebaseSpan: Double

    /// Deliver through rules' declared fast kernels (else their hooks, synapse by synapse).
    var useFastKernels = true
    /// Populations whose spikes other families receive, and those spikes.
    var exported: [Bool]
    @exclusivity(unchecked) var exportedEvents: [FamilyEvent] = []
    /// Spike counts per unit when a run began (`markRunStart`).
    var countsAtMark: [Int] = []
    /// Per population, the units whose state this network advances: all of them,
    /// or a shard's block (`SpikingNetwork+Shards`).
    var owned: [Range<Int>]
    /// Whether the spike sources are emitted here (by one shard only).
    var emitsSources = true
    /// The other shards, when this network is shard 0 of several, and their threads.
    var peers: [SpikingNetwork] = []
    var pool: ShardPool?
    /// A shard: its spikes of the last slot, and its queue's arrivals of this slot and the next.
    @exclusivity(unchecked) var lastFired: [(time: Double, unit: Int)] = []
    @exclusivity(unchecked) var queuedNow: [SpikeArrival] = []
    @exclusivity(unchecked) var queuedNext: [SpikeArrival] = []
    /// Room for `mergeArrivals`.
    @exclusivity(unchecked) var merged: [SpikeArrival] = []
    /// Shard 0 of several: the last slot's spikes of every shard, and whether they were reported.
    var pending: [(time: Double, unit: Int)] = []
    var pendingReported = true
    /// Shard 0 of several: wall nanoseconds in and between rounds (`shardSeconds`); a shard: its own work in them.
    var shardNanos: (rounds: UInt64, exchange: UInt64, collective: UInt64) = (0, 0, 0)
    var busyNanos: UInt64 = 0
    /// The other processes running shards of this network, and the synaptic events
    /// they reported (and this process's own, as of the last exchange).
    var exchange: (any SpikeExchange)?
    /// With other processes: the arrivals of their spikes, those of this slot, and their last slot's spikes.
    @exclusivity(unchecked) var remoteQueue: any SpikeArrivalQueue
    @exclusivity(unchecked) var remoteArrivals: [SpikeArrival] = []
    @exclusivity(unchecked) var remoteSpikes: [(time: Double, unit: Int)] = []
    var remoteSynapticEvents = 0
    var exchangedSynapticEvents = 0

    /// Spike counts and ISI moments of the units this network records: those of the spikes
    /// it made, at the end of each slot (each shard its own, in parallel; sources on the
    /// shard that emits them) and, in the network that reports, those of other processes.
    @exclusivity(unchecked) var recorded: SpikeStatistics
    /// Spike counts and ISI moments of every unit (over the shards of this process).
    public var statistics: SpikeStatistics {
        guard !peers.isEmpty else { return recorded }
        var all = recorded
        for net in peers { for p in populations.indices where isLIF[p] { all.take(net.recorded, units: net.owned[p]) } }
        return all
    }
    @exclusivity(unchecked) public internal(set) var spikes = 0
    /// Synapses reached by arrivals (including those discarded by refractory targets).
    @exclusivity(unchecked) public internal(set) var synapticEvents = 0

    /// Builds the network; `slotWidth` defaults to the smallest delay or nonzero
    /// refractory period (1 ms if there is neither).
    public init(populations: [SpikingPopulation], projections: [SpikingProjection], queue: SpikeQueueKind = .ring,
                slotWidth: Double? = nil, firstID: UInt32 = 0, sinks: SinkHub = SinkHub(), rng: RandomStream) {
        self.populations = populations
        self.projections = projections
        let delays = projections.flatMap { [$0.delay, $0.maxDelay] }
        let refractory = populations.compactMap(\.kind.refractoryPeriod).filter { $0 > 0 }
        let width = slotWidth ?? (delays + refractory).min() ?? 1
        precondition(width > 0 && (delays + refractory).allSatisfy { $0 >= width },
                     "every delay and nonzero refractory period must be ≥ the slot width > 0")
        self.slotWidth = width
        self.firstID = firstID
        self.sinks = sinks
        queueKind = queue
        self.queue = queue.make(slotWidth: width, maxDelay: max(delays.max() ?? width, width))
        remoteQueue = queue.make(slotWidth: width, maxDelay: max(delays.max() ?? width, width))
        let n = populations.last.map { $0.first + $0.size } ?? 0
        u = [Double](repeating: 0, count: n)
        refractoryUntil = [Double](repeating: -.infinity, count: n)
        atThreshold = [Bool](repeating: false, count: n)
        let hasCurrents = populations.contains { $0.lifExp != nil }
        iEx = [Double](repeating: 0, count: hasCurrents ? n : 0)
        iIn = [Double](repeating: 0, count: hasCurrents ? n : 0)
        lastInput = [Double](repeating: -.infinity, count: hasCurrents ? n : 0)
        slotFactors = populations.map { _ in CurrentSlotFactors() }
        recorded = SpikeStatistics(units: n)
        scratch = [Int64](repeating: 0, count: max(n, projections.map { p in
            (0..<p.rows.preCount).map { p.rows.rowStart[$0 + 1] - p.rows.rowStart[$0] }.max() ?? 0 }.max() ?? 0))
        routes = projections.map { p in
            let target = populations[p.post]
            guard target.kind.isLIF else { preconditionFailure("projection \(p.name) targets spike sources") }
            return Route(first: target.first, population: p.post, lif: target.lif ?? LIFParameters(), current: target.lifExp,
                         weight: p.weight, plastic: p.plasticity != nil)
        }
        outgoing = populations.indices.map { p in projections.indices.filter { projections[$0].pre == p } }
        plasticInto = populations.indices.map { p in projections.indices.filter { projections[$0].post == p && projections[$0].plasticity != nil } }
        hasPlasticity = projections.contains { $0.plasticity != nil }
        unitLIF = populations.map(\.lif)
        isLIF = populations.map(\.kind.isLIF)
        sources = populations.enumerated().map { k, p in SpikeSourceState(population: p, rng: rng.derived(UInt64(k))) }
        for p in populations {
            if let lif = p.lif { for i in p.range { u[i] = lif.vReset - lif.vInfinity } }
            if let e = p.lifExp { for i in p.range { u[i] = e.vReset - e.vInfinity } }
        }
        refractoryEnds = populations.map { _ in SpikeFIFO() }
        exported = populations.map { _ in false }
        owned = populations.map(\.range)
        let taus = populations.compactMap { $0.lif?.tauM } + populations.flatMap { $0.lifExp?.timeConstants ?? [] } + projections.compactMap { $0.plasticity.map { min($0.tauPre, $0.tauPost) } }
        rebaseSpan = 30 * (taus.min() ?? .infinity)
    }

    public var unitCount: Int { u.count }
    public var time: Double { Double(slot) * slotWidth }

    // MARK: Membrane state

    /// The membrane potential of LIF unit `i` now (V_reset while refractory).
    public func voltage(_ i: Int) -> Double {
        if isSharded {
            guard let net = owner(of: i) else { preconditionFailure("unit \(i) is advanced by another process") }
            if net !== self { return net.voltage(i) }
        }
        if let e = populations[population(of: i)].lifExp { return currentVoltage(i, e) }
        let p = lifParameters(of: i)
        if time < refractoryUntil[i] { return p.vReset }
        // A period that has ended but whose reset is restored later in the slot.
        if u[i] == -.infinity { return p.vInfinity + (p.vReset - p.vInfinity) * Foundation.exp(-(time - refractoryUntil[i]) / p.tauM) }
        return p.vInfinity + u[i] * Foundation.exp(-(time - origin) / p.tauM)
    }

    /// Sets the membrane potential of LIF unit `i` now (below threshold).
    public func setVoltage(_ i: Int, _ v: Double) {
        if isSharded {
            guard let net = owner(of: i) else { return }  // the process that owns it sets it
            if net !== self { return net.setVoltage(i, v) }
        }
        if let e = populations[population(of: i)].lifExp {
            precondition(v < e.vTh, "an initial potential must be below threshold")
            u[i] = membraneCoefficient(i, e, voltage: v, at: time)
            refractoryUntil[i] = -.infinity
            return
        }
        let p = lifParameters(of: i)
        precondition(v < p.vTh, "an initial potential must be below threshold")
        u[i] = (v - p.vInfinity) * Foundation.exp((time - origin) / p.tauM)
        refractoryUntil[i] = -.infinity
    }

    func lifParameters(of i: Int) -> LIFParameters {
        guard let p = populations.first(where: { $0.range.contains(i) })?.lif else {
            preconditionFailure("unit \(i) is not a LIF unit")
        }
        return p
    }

    /// Reports the potentials of `units` as `state` records at every `everySlots`-th slot start.
    public func recordVoltages(of units: [Int], everySlots: Int) {
        precondition(everySlots > 0)
        recordedVoltages = units
        voltageEvery = everySlots
    }

    /// Notes every unit's spike count, so a report can count the spikes since.
    public func markRunStart() { countsAtMark = statistics.counts }

    /// The current weights of a plastic projection (nil if static).
    public func weights(of projection: Int) -> [Double]? { projections[projection].plasticity?.weights }

    /// Reports every synapse of a plastic projection as a `weight` record (pre, post, w) now.
    public func emitWeights(of k: Int) {
        guard let w = projections[k].plasticity?.weights else { return }
        let rows = projections[k].rows
        let pre = populations[projections[k].pre].first, post = populations[projections[k].post].first
        for j in 0..<rows.preCount {
            for s in rows.rowStart[j]..<rows.rowStart[j + 1] {
                sinks.emit(.weight(pre: NeuronID(Int(firstID) + pre + j), post: NeuronID(Int(firstID) + post + Int(rows.targets[s])),
                                   w[s], at: SimTime(time)))
            }
        }
    }

    // MARK: Running

    /// Processes one slot.
    func step() {
        let start = time
        if voltageEvery > 0 && slot % voltageEvery == 0 {
            if isSharded { reportShardSpikes() }
            for i in recordedVoltages { sinks.emit(.state(NeuronID(Int(firstID) + i), voltage(i), at: SimTime(start))) }
        }
        if isSharded { return stepShards() }
        queue.drain(slot: slot, into: &arrivals)
        advanceOwnUnits()
        finishSlot()
        slot += 1
    }

    /// Steps 1–3 of the slot for the units this network owns, given the slot's `arrivals`:
    /// their spikes are in `fired`.
    func advanceOwnUnits() {
        let start = time, end = Double(slot + 1) * slotWidth
        if end - origin > rebaseSpan { rebase(to: start) }
        prepareCurrentSlot(start: start)
        if emitsSources { for k in sources.indices { sources[k].emit(before: end, into: &fired) } }
        if !arrivals.isEmpty { withRowTables { deliverArrivals(slotStart: start, tables: $0) } }
        if let last = arrivals.last, !thresholdUnits.isEmpty { spikeUnitsAtThreshold(at: last.time) }
        endRefractoryPeriods(through: end.nextDown)
        for p in populations.indices {
            if populations[p].lifExp != nil { currentCrossings(population: p, slotStart: start, slotEnd: end) }
            else { crossings(population: p, slotStart: start, slotEnd: end) }
        }
        // The slot's spikes of this network's units (and sources), in time order per unit.
        for (t, i) in fired { recorded.record(i, at: t) }
    }


    /// Step 2: the slot's arrivals in order, reading rows through `tables` (`withRowTables`);
    /// runs of voltage jumps in one C call (`deliverJumps`) unless `useFastKernels` is off.
    func deliverArrivals(slotStart start: Double, tables: UnsafeBufferPointer<RowTable>) {
        var nextEnd = nextRefractoryEnd()
        if useFastKernels { fillJumpRoutes(tables) }
        var j = 0
        while j < arrivals.count {
            let a = arrivals[j]
            if !thresholdUnits.isEmpty && a.time != arrivals[j - 1].time { spikeUnitsAtThreshold(at: arrivals[j - 1].time) }
            if useFastKernels && jumpRoutes[Int(a.projection)].jump != 0 {
                j = deliverJumps(from: j, slotStart: start, tables: tables)
                continue
            }
            if nextEnd <= a.time { endRefractoryPeriods(through: a.time); nextEnd = nextRefractoryEnd() }
            // Rows are scattered in memory: look up later arrivals' rows ahead.
            if j + 4 < arrivals.count { prefetchRow(arrivals[j + 4], targets: false, tables) }
            if j + 2 < arrivals.count { prefetchRow(arrivals[j + 2], targets: true, tables) }
            deliver(a, through: tables[Int(a.projection)], slotStart: start)
            j += 1
        }
    }

    func nextRefractoryEnd() -> Double {
        var t = Double.infinity
        for q in refractoryEnds where !q.isEmpty { t = min(t, q.first.time) }
        return t
    }

    /// Restores the reset potential of units whose refractory period ends at or before `t`.
    func endRefractoryPeriods(through t: Double) {
        for p in populations.indices where !refractoryEnds[p].isEmpty {
            if let e = populations[p].lifExp { endCurrentRefractoryPeriods(population: p, e, through: t); continue }
            guard let lif = unitLIF[p] else { continue }
            while !refractoryEnds[p].isEmpty && refractoryEnds[p].first.time <= t {
                let (end, i) = refractoryEnds[p].removeFirst()
                // Skip a period that setVoltage cut short, or whose reset an arrival restored (`deliverJumps`).
                if refractoryUntil[i] == end && u[i] == -.infinity {
                    u[i] = (lif.vReset - lif.vInfinity) * Foundation.exp((end - origin) / lif.tauM)
                }
            }
        }
    }

    /// Moves the origin to `t`, rescaling every stored value.
    func rebase(to t: Double) {
        let shift = t - origin
        for p in populations {
            if let e = p.lifExp { rebaseCurrents(p.range, e, by: shift); continue }
            guard let lif = p.lif else { continue }
            let f = Foundation.exp(-shift / lif.tauM)
            for i in p.range { u[i] *= f }
        }
        for k in projections.indices { projections[k].plasticity?.rebase(by: shift) }
        origin = t
    }

    /// Reports the slot's spikes in (time, unit) order and queues their arrivals.
    func finishSlot() {
        guard !fired.isEmpty else { return }
        queueSpikes()
        report(fired)
        fired.removeAll(keepingCapacity: true)
    }

    /// Puts the slot's spikes in order and queues the ends of their refractory periods and their arrivals.
    func queueSpikes() {
        sortSpikes(&fired)
        queueRefractoryEnds(of: fired)
        schedule(fired, into: &queue)
    }

    /// Puts spikes in (time, unit) order (no unit spikes twice at one time, so the order is total).
    func sortSpikes(_ spikes: inout [(time: Double, unit: Int)]) {
        if spikes.count > 1 { spikes.sort { $0.time != $1.time ? $0.time < $1.time : $0.unit < $1.unit } }
    }

    /// Counts, records and exports `spikes` (in (time, unit) order).
    func report(_ spikes: [(time: Double, unit: Int)]) {
        // Nothing to do spike by spike without sinks and other families (a sharded network's
        // other processes' spikes are then recorded by `reportShardSpikes`).
        guard sinks.isActive || exported.contains(true) else { self.spikes += spikes.count; return }
        let last = peers.last?.owned ?? owned  // this process's last shard's blocks
        if exchange != nil { for (_, i) in spikes { recorded.prefetch(i) } }  // other processes' units: scattered
        for (t, i) in spikes {
            let p = population(of: i)
            // Spikes of this process's shards were recorded by the shard that made them.
            let here = isLIF[p] ? (owned[p].lowerBound..<last[p].upperBound).contains(i) : emitsSources
            if !here { recorded.record(i, at: t) }
            sinks.emit(.spike(NeuronID(Int(firstID) + i), at: SimTime(t)))
            if exported[p] { exportedEvents.append(FamilyEvent(time: SimTime(t), population: p, unit: i - populations[p].first)) }
        }
        self.spikes += spikes.count
    }

    /// Queues the ends of the refractory periods of the units owned here among `spikes` (in (time, unit) order).
    func queueRefractoryEnds(of spikes: [(time: Double, unit: Int)]) {
        for (t, i) in spikes {
            let p = population(of: i)
            if owned[p].contains(i) && refractoryUntil[i] > t { refractoryEnds[p].append((refractoryUntil[i], i)) }
        }
    }

    /// Queues the arrivals of `spikes` (in (time, unit) order) in `queue`.
    func schedule(_ spikes: [(time: Double, unit: Int)], into queue: inout any SpikeArrivalQueue) {
        outbox.removeAll(keepingCapacity: true)
        for (t, i) in spikes {
            let p = population(of: i)
            let local = UInt32(i - populations[p].first), sender = UInt32(i)
            for x in outgoing[p].indices {  // by index: no copy of the row (a retain) per spike
                let k = outgoing[p][x]
                if projections[k].hasSynapseDelays {
                    for g in projections[k].rowGroupStart[Int(local)]..<projections[k].rowGroupStart[Int(local) + 1] {
                        outbox.append(SpikeArrival(time: t + projections[k].groupDelay[g], emitted: t, sender: sender,
                                                   source: UInt32(g), projection: UInt32(k)))
                    }
                } else {
                    outbox.append(SpikeArrival(time: t + projections[k].delay, emitted: t, sender: sender, source: local, projection: UInt32(k)))
                }
            }
        }
        queue.schedule(contentsOf: outbox)
    }

    @inline(__always) func population(of i: Int) -> Int {
        var p = 0
        while i >= populations[p].first + populations[p].size { p += 1 }
        return p
    }
}
