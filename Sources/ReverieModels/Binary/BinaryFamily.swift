import Foundation
import ReverieKernel
import ReverieSpec

/// Binary (±1) units with asynchronous dynamics (docs/science.md §1–§4): Hebbian
/// storage, retrieval, dreaming and sleep. Populations are `binary` units or
/// `trace` units replaying a recording; projections are dense or sparse, from a
/// binary population or, as field pulses, from another family's spikes.
public enum BinaryFamily: ModelFamily {
    public enum Unit: Sendable {
        case binary
        case trace(TraceSource)
    }

    public static let name = "binary"
    public static let summary = "±1 units with asynchronous zero-temperature or Glauber dynamics (docs/science.md §1–§4)"
    public static let sections = ["dynamics"]
    public static let exportedEvents: ExportedEvents? = .stateChanges
    public static let runKeys = BinaryRunOptions.keys
    public static let phases: [any ProtocolPhase.Type] = [LearnPhase.self, TestPhase.self, DreamPhase.self, SleepPhase.self]

    public static let unitModels: [UnitModel<Unit>] = [
        UnitModel("binary", summary: "±1 units, asynchronous zero-temperature or Glauber updates (docs/science.md §1)",
                  timeUnit: "clock period") { _, _ in .binary },
        UnitModel("trace", summary: "±1 units clamped to the states of a population in a recorded trace", timeUnit: "clock period",
                  keys: TraceSource.keyDocs) { node, unit in
            .trace(try TraceSource(node: node, size: unit.size, baseDirectory: unit.baseDirectory))
        },
    ]

    public static let rules: [RuleEntry] = [
        RuleEntry(type: "hebbian", summary: "ΔJ_ij = (η/N) s_i s_j while a pattern is clamped", trigger: .clamped,
                  parameters: ["eta": 1]) { p in
            HebbianRule(scale: p.values["eta"]! / Double(p.presynapticCount))
        },
        RuleEntry(type: "anti-hebbian", summary: "ΔJ_ij = −(ε/N) s*_i s*_j at a fixed point (unlearning)", trigger: .fixedPoint,
                  parameters: ["epsilon": 0.01]) { p in
            HebbianRule(scale: -p.values["epsilon"]! / Double(p.presynapticCount), trigger: .fixedPoint)
        },
        RuleEntry(type: "sleep", summary: "ΔJ_ij = dτ [(h_i s_j + h_j s_i)/2 − h_i h_j] under random probes s (dreaming kernel)",
                  trigger: .probe, parameters: ["rate": 0.001]) { p in SleepRule(rate: p.values["rate"]!) },
    ]

    /// The family's part of a model file.
    public struct Spec: Sendable {
        public struct Population: Sendable {
            public var name: String
            public var model: String
            public var size: Int
            public var trace: TraceSource?
        }
        public var dynamics: BinaryDynamics
        public var populations: [Population]
        public var projections: [BinaryProjectionSpec]

        public func projection(_ name: String) -> BinaryProjectionSpec? { projections.first { $0.name == name } }
    }

    public static func spec(_ input: FamilyInput<Unit>, model: ModelSpec) throws -> Spec {
        let dynamics = try readDynamics(input.sections["dynamics"])
        let pops = input.populations.map { p, unit -> Spec.Population in
            if case .trace(let t) = unit { return .init(name: p.name, model: p.model, size: p.size, trace: t) }
            return .init(name: p.name, model: p.model, size: p.size, trace: nil)
        }
        let projections = try input.projections.map { try BinaryProjectionSpec(node: $0.node, projection: $0, model: model) }
        return Spec(dynamics: dynamics, populations: pops, projections: projections)
    }

    static func readDynamics(_ node: SpecNode?) throws -> BinaryDynamics {
        guard let node else { return BinaryDynamics() }
        try node.checkKeys(["order", "temperature", "rate"])
        let order = UpdateOrder(rawValue: try node.choice("order", UpdateOrder.allCases.map(\.rawValue), default: "random-sequential"))!
        let temperature = try node.double("temperature", default: 0, in: 0...1e12)
        return BinaryDynamics(temperature: temperature == 0 ? .zero : .glauber(beta: 1 / temperature),
                              order: order, rate: try node.double("rate", default: 1, in: 1e-12...1e12))
    }

    public static func layout(_ spec: Spec) -> [(name: String, model: String, size: Int)] {
        spec.populations.map { ($0.name, $0.model, $0.size) }
    }

    /// Connectivity from the stream "connectivity" (projections in model order),
    /// the clocks and Glauber decisions from "dynamics".
    public static func build(_ spec: Spec, context: BuildContext) throws -> BinaryNetwork {
        let net = BinaryNetwork(populations: layout(spec), dynamics: spec.dynamics, rng: context.rng("dynamics"),
                                sinks: context.sinks, firstID: context.firstID)
        var rng = context.rng("connectivity")
        for proj in spec.projections {
            let post = net.populationIndex(proj.to)!
            if let pre = net.populationIndex(proj.from) {
                let recurrent = pre == post
                let synapses = proj.synapses(preCount: net.populations[pre].size, postCount: net.populations[post].size,
                                             allowSelf: !recurrent || proj.selfConnections,
                                             patterns: context.patterns, rng: &rng)
                net.connect(proj.name, from: pre, to: post, synapses: synapses, delay: SimTime(proj.delay),
                            skipSelf: recurrent && !proj.selfConnections)
            } else {
                if let (set, mu, _) = proj.patternWeights, mu >= context.patterns[set]!.count {
                    throw proj.node.error(expected: "a pattern index below \(context.patterns[set]!.count), the size of pattern set \(set)")
                }
                let source = context.foreignPopulation(proj.from)!
                let synapses = proj.synapses(preCount: source.size, postCount: net.populations[post].size, allowSelf: true,
                                             patterns: context.patterns, rng: &rng)
                let handle = context.link(from: proj.from, delay: SimTime(proj.delay))
                let link = net.connectForeign(proj.name, foreignFirstID: source.firstID, to: post, synapses: synapses,
                                              delay: SimTime(proj.delay), pulse: SimTime(proj.pulse!))
                precondition(link == handle)
            }
        }
        net.reportsAssignments = true
        for (k, p) in spec.populations.enumerated() {
            if let trace = p.trace { net.stimuli.append(TraceStimulus(source: trace, population: k, network: net)) }
        }
        return net
    }

    public static func runOptions(_ node: SpecNode, model: ModelSpec) throws -> (any FamilyRunOptions)? {
        try BinaryRunOptions(node: node, model: model)
    }
}

extension BinaryFamily {
    public static func describeProjections(_ spec: Spec) -> [String] {
        spec.projections.map { p in
            let kind: String
            switch p.kind {
            case .dense: kind = "dense"
            case .sparse(let rule): kind = "\(rule)"
            }
            var line = "\(p.name): \(p.from) → \(p.to), \(kind), delay \(p.delay)"
            if let pulse = p.pulse { line += ", spikes add \(p.initialWeight) to the field for \(pulse)" }
            return line
        }
    }
}
