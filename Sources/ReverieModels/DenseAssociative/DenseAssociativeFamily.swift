import Foundation
import ReverieKernel
import ReverieSpec

/// Dense associative memories (docs/science.md §7; Krotov & Hopfield 2016;
/// McAlister, Robins & Szymanski 2024): a `dam` population is N visible ±1
/// units and K memory units (`DAMNetwork`). Memories are stored directly (a
/// pattern set) or learned (`dam-train`, `dam-tasks`); `dam-test` measures
/// storage and retrieval.
public enum DenseAssociativeFamily: ModelFamily {
    /// Where the memories come from.
    public enum Memories: Sendable, Equatable {
        /// K memories drawn ξ ~ N(mean, sd²), clamped to [−1, 1], to be learned.
        case learned(count: Int, mean: Double, sd: Double)
        /// The patterns of a pattern set, stored directly.
        case stored(set: String)
    }

    /// A `dam` population's keys as read.
    public struct Unit: Sendable {
        public var memories: String
        public var interaction: InteractionFunction
        public var beta: Double
        public var tie: DAMNetwork.Tie
        public var update: DAMNetwork.Update
        public var rate: Double
        public var labels: Int
        public var initMean: Double
        public var initSD: Double
    }

    public static let name = "dense-associative"
    public static let summary = "dense associative memories: ±1 visible units and one unit per memory (docs/science.md §7)"
    public static let phases: [any ProtocolPhase.Type] = [DAMTestPhase.self, DAMTrainPhase.self, DAMTasksPhase.self]
    public static let runKeys = DAMRunOptions.keys

    static let keys: [UnitKey] = [
        UnitKey("memories", "", "K, the number of memories to learn, or the name of a pattern set to store (K = its count)"),
        UnitKey("interaction", "", "F: polynomial, rectified-polynomial, leaky-rectified-polynomial or exponential", default: "polynomial"),
        UnitKey("degree", "", "n, the interaction vertex of the polynomial forms", default: "2"),
        UnitKey("slope", "", "slope of the leaky rectified polynomial for x ≤ 0", default: "0.01"),
        UnitKey("beta", "", "β of the argument c·ξ·σ, c = β/N", default: "1"),
        UnitKey("tie", "", "a zero bracket keeps the state (keep) or gives −1 (minus-one)", default: "keep"),
        UnitKey("update", "", "random-sequential, poisson or synchronous", default: "random-sequential"),
        UnitKey("rate", "", "updates per unit (synchronous: steps) per time unit", default: "1"),
        UnitKey("labels", "", "the last C units are label units (trained and read out)", default: "0"),
        UnitKey("init_mean", "", "learned memories start at N(init_mean, init_sd²), clamped to [−1, 1]", default: "0"),
        UnitKey("init_sd", "", "see init_mean", default: "0.1"),
    ]

    public static let unitModels: [UnitModel<Unit>] = [
        UnitModel("dam", summary: "±1 visible units and one memory unit per memory, E = −Σ_μ F(c ξ^μ·σ) (docs/science.md §7)",
                  timeUnit: "clock period", keys: keys) { node, unit in
            let degree = try node.int("degree", default: 2, in: 1...64)
            let interaction: InteractionFunction
            switch try node.choice("interaction", InteractionFunction.names, default: "polynomial") {
            case "polynomial": interaction = .polynomial(degree: degree)
            case "rectified-polynomial": interaction = .rectified(degree: degree)
            case "leaky-rectified-polynomial":
                interaction = .leakyRectified(degree: degree, slope: try node.double("slope", default: 0.01, in: 0...1e6))
            default: interaction = .exponential
            }
            return Unit(memories: try node.require("memories", "K or a pattern-set name").string(), interaction: interaction,
                        beta: try node.double("beta", default: 1, in: 1e-12...1e12),
                        tie: DAMNetwork.Tie(rawValue: try node.choice("tie", DAMNetwork.Tie.allCases.map(\.rawValue), default: "keep"))!,
                        update: DAMNetwork.Update(rawValue: try node.choice("update", DAMNetwork.Update.allCases.map(\.rawValue),
                                                                            default: "random-sequential"))!,
                        rate: try node.double("rate", default: 1, in: 1e-12...1e12),
                        labels: try node.int("labels", default: 0, in: 0...(unit.size - 1)),
                        initMean: try node.double("init_mean", default: 0, in: -1...1),
                        initSD: try node.double("init_sd", default: 0.1, in: 0...10))
        },
    ]

    /// The family's part of a model file: its one population.
    public struct Spec: Sendable {
        public var population: String
        public var size: Int
        public var memoryCount: Int
        public var memories: Memories
        public var unit: Unit
    }

    public static func spec(_ input: FamilyInput<Unit>, model: ModelSpec) throws -> Spec {
        if let p = input.projections.first {
            throw p.node.error(expected: "no projection into a dam population (its memory synapses are part of the unit model)")
        }
        guard input.populations.count == 1 else {
            throw input.populations[1].population.node.error(expected: "one dam population per model")
        }
        let (pop, unit) = input.populations[0]
        let field = try pop.node.require("memories", "")
        let memories: Memories, count: Int
        if let k = Int(unit.memories) {
            guard (1...10_000_000).contains(k) else { throw field.error(expected: "a memory count in 1...10000000") }
            memories = .learned(count: k, mean: unit.initMean, sd: unit.initSD)
            count = k
        } else {
            let set = try model.patternSet(field)
            guard set.population == pop.name else { throw field.error(expected: "a pattern set on population \(pop.name)") }
            switch set.source {
            case .random(let k, _): count = k
            case .file(_, let patterns): count = patterns.count
            }
            memories = .stored(set: set.name)
        }
        return Spec(population: pop.name, size: pop.size, memoryCount: count, memories: memories, unit: unit)
    }

    public static func layout(_ spec: Spec) -> [(name: String, model: String, size: Int)] {
        [(spec.population, "dam", spec.size), (spec.population + ".memories", "dam-memory", spec.memoryCount)]
    }

    /// Stored memories from their pattern set; learned ones drawn from the stream
    /// "memories"; the dynamics from "dynamics".
    public static func build(_ spec: Spec, context: BuildContext) throws -> DAMNetwork {
        var xi = DenseWeights(preCount: spec.memoryCount, postCount: spec.size)
        switch spec.memories {
        case .stored(let set):
            xi.weights = context.patterns[set]!.values
        case .learned(_, let mean, let sd):
            var rng = context.rng("memories")
            for k in xi.weights.indices { xi.weights[k] = Swift.min(1, Swift.max(-1, mean + sd * rng.nextGaussian())) }
        }
        let u = spec.unit
        let net = DAMNetwork(name: spec.population, memories: xi, interaction: u.interaction, beta: u.beta, tie: u.tie,
                             update: u.update, rate: u.rate, rng: context.rng("dynamics"), sinks: context.sinks,
                             firstID: context.firstID)
        net.reportsAssignments = true
        return net
    }

    public static func runOptions(_ node: SpecNode, model: ModelSpec) throws -> (any FamilyRunOptions)? {
        try DAMRunOptions(node: node, model: model)
    }
}

extension DenseAssociativeFamily.Spec {
    /// Units 0..<N−C are inputs, the last C labels.
    public var labels: Int { unit.labels }
    /// K0 = N^{n−1}/(2n−3)!!, the capacity scale of the polynomial forms (nil for the exponential).
    public var capacityScale: Double? {
        guard let n = unit.interaction.degree, n >= 2 else { return nil }
        var doubleFactorial = 1.0
        var k = 2 * n - 3
        while k > 1 { doubleFactorial *= Double(k); k -= 2 }
        return pow(Double(size), Double(n - 1)) / doubleFactorial
    }
}
