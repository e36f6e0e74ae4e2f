import ArgumentParser
import Foundation
import ReverieModels
import ReverieSONATA
import ReverieSpec
import ReverieTraces

/// `reverie export-network MODEL --out DIR`: a spiking model's network as built
/// for a run (the same seed gives the same synapses) in SONATA nodes and edges.
struct ExportNetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-network",
        abstract: "Write a spiking model's network as SONATA nodes and edges (nodes.h5, edges.h5, circuit_config.json).",
        discussion: """
        Builds the network as `reverie run` would with the same seed (connectivity and drawn weights), \
        without running it, and writes into OUT: nodes.h5 and node_types.csv (one population per \
        spiking population: LIF units as nest:iaf_psc_delta point neurons with their parameters in \
        components/point_neuron_models/<population>.json, spike sources as virtual nodes), \
        edges.h5 and edge_types.csv (one population per projection: source and target node ids, \
        syn_weight in mV, delay in ms, SONATA indices), and circuit_config.json. Read by bmtk and \
        libsonata (traces/FORMAT.md). Population and projection names become safe names.
        """)

    @OptionGroup var model: ModelOptions

    @Option(help: "Seed for the connectivity and weights (default: the file's `seed`).")
    var seed: UInt64?

    @Option(name: .shortAndLong, help: "Directory for the SONATA files (created if missing).")
    var out: String

    func run() throws {
        let spec = try model.load()
        guard let part = spec.part(SpikingFamily.self) else {
            FileHandle.standardError.write(Data("Error: \(spec.file): the model has no spiking populations (export-network writes spiking networks)\n".utf8))
            throw ExitCode(ModelFileExit.status)
        }
        let context = try ModelFileExit.guarding { try RunContext(model: spec, seed: seed ?? spec.seed) }
        let network = context.network(SpikingFamily.self).sonataNetwork(spec: part)
        try FileAccess.makeDirectory(out)
        try network.write(to: out)
        for n in network.nodes { print("nodes \(n.name): \(n.size) \(n.modelType) (\(n.reverieModel))") }
        for e in network.edges { print("edges \(e.name): \(e.source) → \(e.target), \(e.sourceIDs.count) synapses") }
        print("wrote \(network.fileNames.map { "\(out)/\($0)" }.joined(separator: ", "))")
    }
}
