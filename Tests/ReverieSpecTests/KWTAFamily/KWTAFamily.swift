import ReverieKernel
import ReverieModels
import ReverieSpec

/// A family added the way CONTRIBUTING.md says, to keep the recipe honest: this
/// folder plus one registry line (`Registry.standard.adding(FamilyEntry(KWTAFamily.self))`
/// in `KWTAFamilyTests`). A k-winners-take-all layer counts the spikes its units
/// receive from another family; at the end of a run the k units with the most
/// input win (+1), the rest lose (−1).
enum KWTAFamily: ModelFamily {
    static let name = "kwta"
    static let summary = "k-winners-take-all layer counting input spikes (a test family)"
    static let runKeys = [String]()
    static let unitModels: [UnitModel<Int>] = [
        UnitModel("kwta", summary: "units that count input spikes; the k with the most win", timeUnit: "ms",
                  keys: [UnitKey("k", "", "how many units win")]) { node, unit in try node.int("k", in: 1...unit.size) },
    ]

    struct Projection: Sendable {
        var name: String, from: String, to: String
        var delay: Double
        /// Source unit j drives layer unit offset + j.
        var offset: Int
    }

    struct Spec: Sendable {
        var layers: [(name: String, size: Int, k: Int)]
        var projections: [Projection]
    }

    static func spec(_ input: FamilyInput<Int>, model: ModelSpec) throws -> Spec {
        let projections = try input.projections.map { p -> Projection in
            try p.node.checkKeys(["name", "from", "to", "delay", "offset"])
            guard model.registry.families.first(where: { $0.name == p.sourceFamily })?.exportedEvents == .spikes else {
                throw try p.node.require("from", "").error(expected: "a population that emits spikes")
            }
            let source = model.populations.first { $0.name == p.from }!, target = model.populations.first { $0.name == p.to }!
            return Projection(name: p.name, from: p.from, to: p.to, delay: try p.node.double("delay", in: 1e-9...1e9),
                              offset: try p.node.int("offset", default: 0, in: 0...(target.size - source.size)))
        }
        return Spec(layers: input.populations.map { ($0.population.name, $0.population.size, $0.unit) }, projections: projections)
    }

    static func layout(_ spec: Spec) -> [(name: String, model: String, size: Int)] { spec.layers.map { ($0.name, "kwta", $0.size) } }

    static func build(_ spec: Spec, context: BuildContext) throws -> KWTANetwork {
        let net = KWTANetwork(layers: spec.layers, firstID: context.firstID, sinks: context.sinks)
        for p in spec.projections {
            let handle = context.link(from: p.from, delay: SimTime(p.delay))
            net.links.append((layer: spec.layers.firstIndex { $0.name == p.to }!, offset: p.offset, delay: SimTime(p.delay)))
            precondition(handle == net.links.count - 1)
        }
        return net
    }

    static func runOptions(_ node: SpecNode, model: ModelSpec) throws -> (any FamilyRunOptions)? { KWTARunOptions() }
}

/// The layer's report after a run: the winners, as `winner` metrics and state records.
struct KWTARunOptions: FamilyRunOptions {
    var metrics: [String] { ["winner"] }

    func report(_ context: RunContext, since: RunCounters, elapsed: SimTime, reason: StopReason,
                seconds: Double) throws -> (summary: [(key: String, value: Double)], lines: [String]) {
        let net = context.network(KWTAFamily.self)
        var summary: [(key: String, value: Double)] = [("input_spikes", Double((net.counters - since).events))]
        var lines: [String] = []
        for (l, layer) in net.layers.enumerated() {
            let winners = net.decide(layer: l, at: context.time)
            for (rank, i) in winners.enumerated() { context.emitMetric("winner", item: rank, value: Double(i)) }
            summary.append(("\(layer.name).first_winner", Double(winners.min() ?? -1)))
            summary.append(("\(layer.name).last_winner", Double(winners.max() ?? -1)))
            lines.append("\(layer.name): winners \(winners.sorted())")
        }
        return (summary, lines)
    }
}
