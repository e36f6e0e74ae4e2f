import XCTest
import ReverieKernel
import ReverieModels
@testable import ReverieSONATA
import ReverieSpec

/// A spiking model's network in SONATA nodes and edges: every synapse of the
/// built network is an edge with its ids, weight and delay, and the indices
/// find a node's edges.
final class SONATANetworkTests: XCTestCase {
    func testTheEdgeIndexGroupsRunsOfOneNode() {
        // Edges with nodes 1 1 0 1 2 2 (node 3 has none).
        let (nodes, ranges) = SONATANetwork.index([1, 1, 0, 1, 2, 2], nodeCount: 4)
        XCTAssertEqual(nodes, [0, 1, 1, 3, 3, 4, 4, 4])
        XCTAssertEqual(ranges, [2, 3, 0, 2, 3, 4, 4, 6])
    }

    func testExportedEdgesAreTheBuiltSynapses() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let spec = try ModelSpec.load(path: TemporaryDirectory.repo.appendingPathComponent("models/brette-benchmark4.yaml").path,
                                      overrides: ["populations[0].size=80", "populations[1].size=20"])
        let context = try RunContext(model: spec, seed: 5)
        let net = context.network(SpikingFamily.self)
        let sonata = net.sonataNetwork(spec: spec.part(SpikingFamily.self)!)
        try sonata.write(to: dir.path)
        try HDF5File.read(dir.file("nodes.h5")) { f in
            XCTAssertEqual(try f.members(of: "/nodes"), ["exc", "inh"])
            XCTAssertEqual(try f.readIndices("/nodes/inh/node_id"), Array(0..<20))
        }
        try HDF5File.read(dir.file("edges.h5")) { f in
            XCTAssertEqual(try f.members(of: "/edges"), net.projections.map(\.name).sorted())
            for proj in net.projections {
                let group = "/edges/" + proj.name
                var pairs: [UInt64] = []
                for j in 0..<proj.rows.preCount {
                    for s in proj.rows.rowStart[j]..<proj.rows.rowStart[j + 1] { pairs += [UInt64(j), UInt64(proj.rows.targets[s])] }
                }
                let sources = try f.readIndices(group + "/source_node_id"), targets = try f.readIndices(group + "/target_node_id")
                XCTAssertEqual(Array(zip(sources, targets).map { [$0, $1] }.joined()), pairs, proj.name)
                XCTAssertEqual(try f.text("node_population", on: group + "/source_node_id"), net.populations[proj.pre].name)
                XCTAssertEqual(try f.read(group + "/0/syn_weight", as: Double.self), [Double](repeating: proj.weight, count: sources.count))
                XCTAssertEqual(try f.read(group + "/0/delay", as: Double.self), [Double](repeating: proj.delay, count: sources.count))
                // The target index lists each target's edges.
                let ranges = try f.readIndices(group + "/indices/target_to_source/node_id_to_ranges")
                let edges = try f.readIndices(group + "/indices/target_to_source/range_to_edge_id")
                for post in [0, proj.rows.postCount - 1] {
                    var found: [Int] = []
                    for r in Int(ranges[2 * post])..<Int(ranges[2 * post + 1]) { found += Array(Int(edges[2 * r])..<Int(edges[2 * r + 1])) }
                    XCTAssertEqual(found, targets.indices.filter { targets[$0] == UInt64(post) }, "\(proj.name) target \(post)")
                }
            }
        }
        let params = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("components/point_neuron_models/exc.json"))))
        XCTAssertEqual((params as? [String: Double])?["tau_m"], net.populations[0].lif?.tauM)
        let csv = try String(contentsOfFile: dir.file("node_types.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 3)
        XCTAssertTrue(csv.contains("exc exc point_neuron nest:iaf_psc_delta exc.json lif"), csv)
    }
}
