import Foundation
import ReverieKernel
import ReverieSpec

/// The spiking family's part of `phase: run`: `duration` (ms, required; the
/// run ends at the first min-delay slot boundary at or after it), the membrane
/// potential of the first `count` units of a LIF population every `every` ms
/// (`record_voltage`), and every plastic weight at the end (`record_weights`).
/// Reports spikes, rates and CVs of ISIs per population, weight statistics per
/// plastic projection.
struct SpikingRunOptions: FamilyRunOptions {
    static let keys = ["record_voltage", "record_weights"]

    let duration: Double?
    let voltagePopulation: String?
    let voltageCount: Int
    let voltageEvery: Double
    let recordWeights: Bool

    init(node: SpecNode, model: ModelSpec) throws {
        recordWeights = try node.bool("record_weights", default: false)
        let durationNode = try node.require("duration", "a duration in ms")
        duration = try durationNode.double(in: 0...1e12)
        let width = SpikingFamily.slotWidth(model.part(SpikingFamily.self)!)
        if duration! / width > 1e12 {
            throw durationNode.error(expected: "at most 10¹² min-delay slots of \(width) ms (the smallest delay or refractory period)")
        }
        if let r = node["record_voltage"] {
            try r.checkKeys(["population", "count", "every"])
            let pop = try model.population(try r.require("population", "a lif population"))
            guard ["lif", "lif-exp"].contains(pop.model) else {
                throw try r.require("population", "").error(expected: "a lif or lif-exp population (\(pop.name) is \(pop.model))")
            }
            voltagePopulation = pop.name
            voltageCount = try r.int("count", default: pop.size, in: 1...pop.size)
            voltageEvery = try r.double("every", default: 1, in: 1e-9...1e12)
        } else {
            (voltagePopulation, voltageCount, voltageEvery) = (nil, 0, 0)
        }
    }

    func prepare(_ context: RunContext) throws {
        let net = context.network(SpikingFamily.self)
        if voltagePopulation != nil, let ranks = net.processCount, ranks > 1 {
            throw ModelError(file: context.model.file, path: "protocol[\(context.phaseIndex)].record_voltage",
                             expected: "no voltage recording when the network runs over \(ranks) MPI ranks (not supported yet)")
        }
        if let name = voltagePopulation, let p = net.populations.first(where: { $0.name == name }) {
            net.recordVoltages(of: Array(p.first..<(p.first + voltageCount)),
                               everySlots: max(1, Int((voltageEvery / net.slotWidth).rounded())))
        }
        net.markRunStart()
    }

    func report(_ context: RunContext, since: RunCounters, elapsed: SimTime, reason: StopReason,
                seconds: Double) throws -> (summary: [(key: String, value: Double)], lines: [String]) {
        let net = context.network(SpikingFamily.self)
        let done = net.counters - since
        var summary: [(key: String, value: Double)] = [
            ("spikes", Double(done.spikes)), ("synaptic_events", Double(done.synapticEvents)),
            ("synaptic_events_per_second", Double(done.synapticEvents) / max(seconds, 1e-9)),
        ]
        var lines = [String(format: "simulated %.6g ms in %.3g s: %ld spikes, %ld synaptic events (%.3g per second), slot %g ms, %@ queue",
                            elapsed.value, seconds, done.spikes, done.synapticEvents,
                            Double(done.synapticEvents) / max(seconds, 1e-9), net.slotWidth, net.queueKind.rawValue)]
        if net.isSharded {
            // Wall time since the network was split (this process's), not only this phase's.
            let s = net.shardSeconds
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)  // ru_maxrss: KiB on Linux
            lines.append(String(format: "%ld shard(s) here of %ld: %.3g s in rounds (each shard busy %.3g–%.3g s), %.3g s between them (%.3g s in the spike exchange); peak memory of this process %.0f MB",
                                s.busy.count, s.busy.count * (net.processCount ?? 1), s.rounds, s.busy.min() ?? 0, s.busy.max() ?? 0,
                                s.exchange, s.collective, Double(usage.ru_maxrss) * 1024 / 1e6))
        }
        let counts = net.statistics.counts, counts0 = net.countsAtMark
        for p in net.populations {
            let n = p.range.reduce(0) { $0 + counts[$1] - counts0[$1] }
            let rate = Double(n) / Double(p.size) / (elapsed.value / 1000)
            let (cv, units) = net.statistics.meanCV(p.range)
            summary.append(("\(p.name).rate_hz", rate))
            summary.append(("\(p.name).cv_isi", cv))
            lines.append(String(format: "%@: %.4g Hz, mean CV of ISIs %.3f over %ld units (whole run so far)", p.name, rate, cv, units))
        }
        for (k, proj) in net.projections.enumerated() {
            guard let stdp = proj.plasticity else { continue }
            let w = stdp.weights
            let mean = w.reduce(0, +) / Double(max(w.count, 1))
            summary.append(("\(proj.name).mean_weight", mean))
            var line = String(format: "%@: mean weight %.4g mV over %ld synapses", proj.name, mean, w.count)
            if let wMax = stdp.pairKernel?.wMax {
                let strong = Double(w.filter { $0 > wMax / 2 }.count) / Double(max(w.count, 1))
                summary.append(("\(proj.name).strong_fraction", strong))
                line = String(format: "%@: mean weight %.4g mV, %.1f%% of %ld synapses above w_max/2", proj.name, mean, 100 * strong, w.count)
            }
            lines.append(line)
            if recordWeights { net.emitWeights(of: k) }
        }
        return (summary, lines)
    }
}
