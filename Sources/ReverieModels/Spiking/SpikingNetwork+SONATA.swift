import ReverieSONATA
import ReverieTraces

/// The network as built (connectivity and weights drawn from the seed) in
/// SONATA nodes and edges, for bmtk/PointNet, NEST or libsonata.
extension SpikingNetwork {
    /// Nodes: one population (and node type) per spiking population; LIF units as
    /// NEST's iaf_psc_delta with their parameters under NEST's names (tau_m, E_L,
    /// V_th, V_reset, t_ref, C_m, I_e; ms, mV, pF, pA), sources as virtual nodes.
    /// Edges: one population per projection, in the network's order (by source,
    /// then target), with each synapse's weight (mV) and the projection's delay (ms).
    /// Names are `ExportName`s of the model's population and projection names.
    public func sonataNetwork(spec: SpikingFamily.Spec) -> SONATANetwork {
        let nodeNames = ExportName.unique(populations.map(\.name))
        let nodes = populations.enumerated().map { k, p -> SONATANetwork.NodePopulation in
            let model = spec.populations[k].model
            let (type, template) = SONATATraceExport.modelType(reverieModel: model)
            var params: [String: Double] = [:]
            if let lif = p.lif {
                params = ["tau_m": lif.tauM, "E_L": lif.eL, "V_th": lif.vTh, "V_reset": lif.vReset, "t_ref": lif.tRef,
                          "C_m": lif.cM, "I_e": lif.iE]
            }
            return .init(name: nodeNames[k], size: p.size, nodeTypeID: Int64(100 + k), modelType: type, modelTemplate: template,
                         reverieModel: model, dynamicsParams: params)
        }
        let edgeNames = ExportName.unique(projections.map(\.name))
        let edges = projections.enumerated().map { k, proj -> SONATANetwork.EdgePopulation in
            let rows = proj.rows
            var sources: [UInt64] = [], targets: [UInt64] = []
            sources.reserveCapacity(rows.synapseCount)
            for j in 0..<rows.preCount {
                for s in rows.rowStart[j]..<rows.rowStart[j + 1] { sources.append(UInt64(j)); targets.append(UInt64(rows.targets[s])) }
            }
            let weights = proj.plasticity?.weights ?? proj.synapseWeights?.map { Double($0) }
                ?? [Double](repeating: proj.weight, count: rows.synapseCount)
            return .init(name: edgeNames[k], source: nodeNames[proj.pre], target: nodeNames[proj.post], sourceIDs: sources,
                         targetIDs: targets, edgeTypeID: Int64(100 + k), weights: weights,
                         delays: [Double](repeating: proj.delay, count: rows.synapseCount),
                         modelTemplate: proj.plasticity == nil ? "static_synapse" : "stdp_synapse",
                         reverieProjection: proj.name, reverieRule: spec.projections[k].rule)
        }
        return SONATANetwork(nodes: nodes, edges: edges)
    }
}
