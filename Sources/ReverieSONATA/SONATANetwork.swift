import Foundation

/// A network as SONATA nodes and edges (SONATA developer guide, "Representing
/// networks of neurons"; read by bmtk and libsonata), one node type per node
/// population and one edge type per edge population:
///
/// ```
/// nodes.h5    /nodes/<pop>/{node_id, node_type_id, node_group_id, node_group_index}  [size], group 0
/// node_types.csv    node_type_id population pop_name model_type model_template dynamics_params reverie_model
/// edges.h5    /edges/<pop>/source_node_id, target_node_id  uint64 [n], attribute node_population
///             /edges/<pop>/{edge_type_id, edge_group_id, edge_group_index}  [n]
///             /edges/<pop>/0/{syn_weight, delay}  float64 [n]
///             /edges/<pop>/indices/{source_to_target, target_to_source}/{node_id_to_ranges, range_to_edge_id}
///             (`node_id_to_range`, bmtk's name, is a hard link to libsonata's `node_id_to_ranges`)
/// edge_types.csv    edge_type_id population model_template delay reverie_projection reverie_rule
/// components/point_neuron_models/<pop>.json   a point neuron's dynamics_params
/// circuit_config.json   the files, relative to the config's directory ($BASE_DIR = ".")
/// ```
/// The CSV files are space-separated with `"`-quoted fields (the SONATA CSV dialect).
public struct SONATANetwork: Equatable, Sendable {
    public struct NodePopulation: Equatable, Sendable {
        public var name: String
        public var size: Int
        public var nodeTypeID: Int64
        /// `point_neuron` or `virtual` (spike sources).
        public var modelType: String
        /// e.g. `nest:iaf_psc_delta`; `NULL` for virtual nodes.
        public var modelTemplate: String
        /// The Reverie unit model (`lif`, `poisson`, ...).
        public var reverieModel: String
        /// Parameters of the model template (written to its dynamics_params JSON), in order.
        public var dynamicsParams: [String: Double]

        public init(name: String, size: Int, nodeTypeID: Int64, modelType: String, modelTemplate: String,
                    reverieModel: String, dynamicsParams: [String: Double] = [:]) {
            self.name = name; self.size = size; self.nodeTypeID = nodeTypeID; self.modelType = modelType
            self.modelTemplate = modelTemplate; self.reverieModel = reverieModel; self.dynamicsParams = dynamicsParams
        }
    }

    public struct EdgePopulation: Equatable, Sendable {
        public var name: String
        public var source: String
        public var target: String
        public var sourceIDs: [UInt64]
        public var targetIDs: [UInt64]
        public var edgeTypeID: Int64
        /// mV (a voltage jump for Reverie's and NEST's iaf_psc_delta units).
        public var weights: [Double]
        /// ms.
        public var delays: [Double]
        /// `static_synapse` or `stdp_synapse`.
        public var modelTemplate: String
        public var reverieProjection: String
        public var reverieRule: String?

        public init(name: String, source: String, target: String, sourceIDs: [UInt64], targetIDs: [UInt64], edgeTypeID: Int64,
                    weights: [Double], delays: [Double], modelTemplate: String, reverieProjection: String, reverieRule: String? = nil) {
            precondition(sourceIDs.count == targetIDs.count && weights.count == sourceIDs.count && delays.count == sourceIDs.count)
            self.name = name; self.source = source; self.target = target; self.sourceIDs = sourceIDs; self.targetIDs = targetIDs
            self.edgeTypeID = edgeTypeID; self.weights = weights; self.delays = delays; self.modelTemplate = modelTemplate
            self.reverieProjection = reverieProjection; self.reverieRule = reverieRule
        }
    }

    public var nodes: [NodePopulation]
    public var edges: [EdgePopulation]

    public init(nodes: [NodePopulation], edges: [EdgePopulation] = []) { self.nodes = nodes; self.edges = edges }

    /// The files `write(to:)` makes, relative to its directory.
    public var fileNames: [String] {
        ["nodes.h5", "node_types.csv"] + (edges.isEmpty ? [] : ["edges.h5", "edge_types.csv"])
            + nodes.filter { !$0.dynamicsParams.isEmpty }.map { "components/point_neuron_models/\($0.name).json" }
            + ["circuit_config.json"]
    }

    /// Writes the files of `fileNames` into the existing directory `directory`.
    /// Population names must be safe file and group names (`ExportName`).
    public func write(to directory: String) throws {
        let dir = directory.hasSuffix("/") ? directory : directory + "/"
        try writeNodes(dir + "nodes.h5")
        try SONATAFiles.writeCSV([["node_type_id", "population", "pop_name", "model_type", "model_template", "dynamics_params", "reverie_model"]]
                            + nodes.map { n in
                                ["\(n.nodeTypeID)", n.name, n.name, n.modelType, n.modelTemplate,
                                 n.dynamicsParams.isEmpty ? "NULL" : "\(n.name).json", n.reverieModel]
                            }, to: dir + "node_types.csv")
        if !edges.isEmpty {
            try writeEdges(dir + "edges.h5")
            try SONATAFiles.writeCSV([["edge_type_id", "population", "model_template", "delay", "reverie_projection", "reverie_rule"]]
                                + edges.map { e in
                                    ["\(e.edgeTypeID)", e.name, e.modelTemplate, e.delays.first.map { "\($0)" } ?? "NULL",
                                     e.reverieProjection, e.reverieRule ?? "NULL"]
                                }, to: dir + "edge_types.csv")
        }
        let models = nodes.filter { !$0.dynamicsParams.isEmpty }
        if !models.isEmpty {
            let path = try SONATAFiles.makeDirectory("components/point_neuron_models", in: dir)
            for n in models { try SONATAFiles.writeJSON(n.dynamicsParams, to: path + "/\(n.name).json") }
        }
        try SONATAFiles.writeJSON(circuitConfig, to: dir + "circuit_config.json")
    }

    /// The circuit config: the files and each population's type, paths from `$BASE_DIR`, the config's directory.
    var circuitConfig: [String: Any] {
        var networks: [String: Any] = [
            "nodes": [["nodes_file": "$BASE_DIR/nodes.h5", "node_types_file": "$BASE_DIR/node_types.csv",
                       "populations": Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, ["type": $0.modelType]) })]],
        ]
        networks["edges"] = edges.isEmpty ? [] : [["edges_file": "$BASE_DIR/edges.h5", "edge_types_file": "$BASE_DIR/edge_types.csv",
                                                    "populations": Dictionary(uniqueKeysWithValues: edges.map { ($0.name, ["type": "chemical"]) })]]
        var config: [String: Any] = ["manifest": ["$BASE_DIR": "."], "networks": networks]
        if nodes.contains(where: { !$0.dynamicsParams.isEmpty }) {
            config["components"] = ["point_neuron_models_dir": "$BASE_DIR/components/point_neuron_models"]
        }
        return config
    }

    private func writeNodes(_ path: String) throws {
        try HDF5File.write(path) { f in
            try f.makeGroup("/nodes")
            try SONATAFormat.setRootAttributes(f)
            for n in nodes {
                let group = "/nodes/" + n.name
                try f.write((0..<n.size).map { UInt64($0) }, to: group + "/node_id")
                try f.write([Int64](repeating: n.nodeTypeID, count: n.size), to: group + "/node_type_id")
                try f.write([Int64](repeating: 0, count: n.size), to: group + "/node_group_id")
                try f.write((0..<n.size).map { Int64($0) }, to: group + "/node_group_index")
                try f.makeGroup(group + "/0")
            }
        }
    }

    private func writeEdges(_ path: String) throws {
        try HDF5File.write(path) { f in
            try f.makeGroup("/edges")
            try SONATAFormat.setRootAttributes(f)
            let sizes = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0.size) })
            for e in edges {
                let group = "/edges/" + e.name
                precondition(sizes[e.source] != nil && sizes[e.target] != nil, "edge population \(e.name) joins node populations of the network")
                try f.write(e.sourceIDs, to: group + "/source_node_id")
                try f.setAttribute("node_population", string: e.source, on: group + "/source_node_id")
                try f.write(e.targetIDs, to: group + "/target_node_id")
                try f.setAttribute("node_population", string: e.target, on: group + "/target_node_id")
                try f.write([Int64](repeating: e.edgeTypeID, count: e.sourceIDs.count), to: group + "/edge_type_id")
                try f.write([Int64](repeating: 0, count: e.sourceIDs.count), to: group + "/edge_group_id")
                try f.write((0..<e.sourceIDs.count).map { UInt64($0) }, to: group + "/edge_group_index")
                try f.write(e.weights, to: group + "/0/syn_weight")
                try f.write(e.delays, to: group + "/0/delay")
                for (index, ids, count) in [("source_to_target", e.sourceIDs, sizes[e.source] ?? 0), ("target_to_source", e.targetIDs, sizes[e.target] ?? 0)] {
                    let (nodeRanges, edgeRanges) = Self.index(ids, nodeCount: count)
                    try f.write(nodeRanges, to: "\(group)/indices/\(index)/node_id_to_ranges", shape: [nodeRanges.count / 2, 2])
                    try f.link("\(group)/indices/\(index)/node_id_to_ranges", as: "\(group)/indices/\(index)/node_id_to_range")
                    try f.write(edgeRanges, to: "\(group)/indices/\(index)/range_to_edge_id", shape: [edgeRanges.count / 2, 2])
                }
            }
        }
    }

    /// The SONATA edge index over `ids` (the source or target node of each edge):
    /// runs of consecutive edges with the same node are ranges [start, end) of
    /// edge ids (`range_to_edge_id`); node n owns the rows [first, end) of those
    /// ranges (`node_id_to_ranges`, empty [k, k] for a node without edges). Both flattened, two columns.
    static func index(_ ids: [UInt64], nodeCount: Int) -> (nodeToRanges: [UInt64], rangeToEdges: [UInt64]) {
        precondition(ids.allSatisfy { $0 < UInt64(nodeCount) }, "every edge's node id is below the node count")
        var runs = [[(UInt64, UInt64)]](repeating: [], count: nodeCount)
        var start = 0
        for k in ids.indices where k + 1 == ids.count || ids[k + 1] != ids[k] {
            runs[Int(ids[k])].append((UInt64(start), UInt64(k + 1)))
            start = k + 1
        }
        var nodeToRanges: [UInt64] = [], rangeToEdges: [UInt64] = []
        nodeToRanges.reserveCapacity(2 * nodeCount)
        for r in runs {
            let first = UInt64(rangeToEdges.count / 2)
            nodeToRanges += [first, first + UInt64(r.count)]
            for (a, b) in r { rangeToEdges += [a, b] }
        }
        return (nodeToRanges, rangeToEdges)
    }
}
