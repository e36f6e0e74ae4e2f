import ReverieKernel
import ReverieSpec

/// Predictive-coding Hopfield networks (docs/science.md §5; Ganjidoost, Snow &
/// Orchard 2024): each `pc` population is a `PCNetwork` of value and error
/// units, trained online by `pc-train` and tested by `pc-test`.
public enum PredictiveCodingFamily: ModelFamily {
    public static let name = "predictive-coding"
    public static let summary = "value/error unit pairs trained online by predictive coding (docs/science.md §5)"
    public static let phases: [any ProtocolPhase.Type] = [PCTrainPhase.self, PCTestPhase.self]
    public static let runKeys = [String]()
    public static let unitModels: [UnitModel<Void>] = [
        UnitModel("pc", summary: "value/error unit pairs trained by predictive coding (docs/science.md §5)", timeUnit: "s") { _, _ in () },
    ]

    public struct Spec: Sendable {
        public var populations: [(name: String, size: Int)]
    }

    public static func spec(_ input: FamilyInput<Void>, model: ModelSpec) throws -> Spec {
        if let p = input.projections.first {
            throw p.node.error(expected: "no projection into a pc population (its recurrent weights are part of the unit model)")
        }
        return Spec(populations: input.populations.map { ($0.population.name, $0.population.size) })
    }

    /// Value units first, then error units, population by population.
    public static func layout(_ spec: Spec) -> [(name: String, model: String, size: Int)] {
        spec.populations.flatMap { [($0.name + ".value", "pc-value", $0.size), ($0.name + ".error", "pc-error", $0.size)] }
    }

    public static func build(_ spec: Spec, context: BuildContext) throws -> PCFamilyNetwork {
        var next = context.firstID
        return PCFamilyNetwork(networks: spec.populations.map { p in
            defer { next += UInt32(2 * p.size) }
            return (p.name, PCNetwork(size: p.size, sinks: context.sinks, firstID: next))
        })
    }

    public static func runOptions(_ node: SpecNode, model: ModelSpec) throws -> (any FamilyRunOptions)? {
        guard node["duration"] != nil else { throw node.missing("duration", "a duration (s): predictive-coding units have no exact fixed point") }
        return nil
    }
}

/// The `pc` populations of a model as one family: each is its own `PCNetwork`
/// (they are not connected to each other).
public final class PCFamilyNetwork: NetworkFamily {
    public let networks: [(population: String, network: PCNetwork)]

    init(networks: [(population: String, network: PCNetwork)]) { self.networks = networks }

    /// The network of population `name`.
    public func network(for name: String) -> PCNetwork { networks.first { $0.population == name }!.network }

    public var layout: [RunDescription.Population] {
        networks.flatMap { p, n in
            [RunDescription.Population(name: p + ".value", model: "pc-value", firstID: n.firstID, size: n.size),
             RunDescription.Population(name: p + ".error", model: "pc-error", firstID: n.firstID + UInt32(n.size), size: n.size)]
        }
    }

    public var now: SimTime { networks.map(\.network.time).max() ?? .zero }

    public var counters: RunCounters {
        var c = RunCounters()
        for (_, n) in networks { c.events += n.events; c.synapticEvents += n.receptions }
        return c
    }

    public func resume(at time: SimTime) {
        for (_, n) in networks where n.time < time { n.time = time }
    }

    /// Free relaxation without learning up to `end`.
    public func advance(until end: SimTime, control: inout AdvanceControl) -> StopReason {
        for (_, n) in networks where n.time < end {
            let before = n.events
            n.relax(for: (end - n.time).value, learning: false)
            control.consume(n.events - before)
        }
        return .timeLimit
    }

    public func emitWeights(at time: SimTime) {
        for (_, n) in networks { n.emitWeights() }
    }
}
