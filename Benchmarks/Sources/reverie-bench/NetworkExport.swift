import Foundation
import ReverieKernel
import ReverieModels
import ReverieTraces

/// A spiking network of one LIF kind (`lif` or `lif-exp`, the same parameters
/// in every population), written synapse by synapse for peer simulators
/// (Benchmarks/peers/nest/simulate.py, Benchmarks/peers/brian2/cuba.py):
/// params.json {model, n, n_exc, tau_m, e_l, v_th, v_reset, t_ref, c_m, i_e,
/// tau_syn_ex, tau_syn_in}, syn_pre/syn_post.npy (int32 unit indices),
/// syn_weight/syn_delay.npy (float64: mV or pA, ms) and v0.npy (float64 mV).
/// With `spikes`, also reverie_senders.npy (int32) and reverie_times.npy (ms).
enum NetworkExport {
    static func write(_ net: SpikingNetwork, to dir: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var params: [String: Any] = ["n": net.unitCount, "n_exc": net.populations[0].size]
        switch net.populations[0].kind {
        case .lif(let p):
            params.merge(["model": "lif", "tau_m": p.tauM, "e_l": p.eL, "v_th": p.vTh, "v_reset": p.vReset, "t_ref": p.tRef,
                          "c_m": p.cM, "i_e": p.iE]) { $1 }
        case .lifExp(let p):
            params.merge(["model": "lif-exp", "tau_m": p.tauM, "e_l": p.eL, "v_th": p.vTh, "v_reset": p.vReset, "t_ref": p.tRef,
                          "c_m": p.cM, "i_e": p.iE, "tau_syn_ex": p.tauSynEx, "tau_syn_in": p.tauSynIn]) { $1 }
        default: throw BenchError("export: the first population is not a LIF population")
        }
        guard net.populations.allSatisfy({ $0.kind == net.populations[0].kind }) else {
            throw BenchError("export: every population must be of the same LIF kind and parameters")
        }
        var pre: [Int32] = [], post: [Int32] = [], weight: [Double] = [], delay: [Double] = []
        for proj in net.projections {
            let from = net.populations[proj.pre].first, to = net.populations[proj.post].first
            for j in 0..<proj.rows.preCount {
                for s in proj.rows.rowStart[j]..<proj.rows.rowStart[j + 1] {
                    pre.append(Int32(from + j))
                    post.append(Int32(to + Int(proj.rows.targets[s])))
                    weight.append(proj.plasticity?.weights[s] ?? proj.synapseWeights.map { Double($0[s]) } ?? proj.weight)
                    delay.append(proj.synapseDelays?[s] ?? proj.delay)
                }
            }
        }
        try JSONSerialization.data(withJSONObject: params, options: [.sortedKeys]).write(to: URL(fileURLWithPath: dir + "/params.json"))
        try NPYWriter.write(pre, to: dir + "/syn_pre.npy")
        try NPYWriter.write(post, to: dir + "/syn_post.npy")
        try NPYWriter.write(weight, to: dir + "/syn_weight.npy")
        try NPYWriter.write(delay, to: dir + "/syn_delay.npy")
        try NPYWriter.write((0..<net.unitCount).map { net.voltage($0) }, to: dir + "/v0.npy")
    }

    /// Reverie's spikes (unit index, time ms) for the peer to compare with.
    static func writeSpikes(_ spikes: [(unit: Int, time: Double)], to dir: String) throws {
        try NPYWriter.write(spikes.map { Int32($0.unit) }, to: dir + "/reverie_senders.npy")
        try NPYWriter.write(spikes.map(\.time), to: dir + "/reverie_times.npy")
    }

    /// Runs `net` to `duration` recording its spikes (ids relative to its first unit).
    static func recordSpikes(_ net: SpikingNetwork, until duration: Double) throws -> [(unit: Int, time: Double)] {
        let sink = MemorySink()
        net.sinks.add(sink)
        try net.sinks.begin(RunDescription(modelName: "export", modelSource: "", seed: 0, timeUnit: "ms", populations: [], phases: [],
                                           metrics: []))
        net.run(until: duration)
        try net.sinks.end()
        return sink.records.filter { $0.kind == .spike }.map { (Int($0.unit) - Int(net.firstID), $0.time.value) }
    }
}
