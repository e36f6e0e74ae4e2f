import Foundation
import ReverieKernel
import ReverieModels

/// A validated model file (schema in models/README.md). Building it checks every
/// field; nothing is simulated yet.
public struct ModelSpec: Sendable {
    public struct Population: Sendable {
        public var name: String
        public var model: String
        public var size: Int
        public var node: SpecNode
        /// The recorded activity driving a `model: trace` population.
        public var trace: TraceSource? = nil
        /// The unit kind of a spiking population, and how LIF potentials start.
        public var spiking: SpikingUnitKind? = nil
        public var initialVoltage: VoltageInit? = nil
    }

    public enum ConnectivityKind: Sendable, Equatable {
        case dense
        case sparse(probability: Double)
    }

    public struct Projection: Sendable {
        public var name: String
        public var from: String
        public var to: String
        public var connectivity: ConnectivityKind
        public var selfConnections: Bool
        public var delay: Double
        public var initialWeight: Double
        public var node: SpecNode
    }

    public struct Rule: Sendable {
        public var name: String
        public var type: String
        public var parameters: [String: Double]
        public var node: SpecNode
    }

    public enum PatternSource: Sendable {
        case random(count: Int, bias: Double)
        case file(URL)
    }

    public struct Patterns: Sendable {
        public var name: String
        public var population: String
        public var source: PatternSource
        public var node: SpecNode
    }

    public struct Phase: Sendable {
        public var kind: String
        public var name: String
        public var node: SpecNode
        public var runner: any ProtocolPhase
    }

    public var file: String
    public var root: SpecNode
    public var name: String
    public var description: String
    public var seed: UInt64
    public var dynamics: BinaryDynamics
    public var populations: [Population]
    public var projections: [Projection]
    /// Projections between spiking populations.
    public var spikingProjections: [SpikingProjectionSpec]
    public var spiking: SpikingSettings
    public var rules: [Rule]
    public var patterns: [Patterns]
    public var phases: [Phase]

    public static let schemaVersion = 1

    /// Reads and validates a model file, applying `--set` overrides first.
    public static func load(path: String, overrides: [String] = []) throws -> ModelSpec {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ModelError(file: path, path: "", expected: "a readable UTF-8 model file", found: "\(error.localizedDescription)")
        }
        var root = try SpecNode.parse(text, file: path)
        for o in overrides { try root.override(o) }
        return try ModelSpec(root: root, baseDirectory: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    public init(root: SpecNode, baseDirectory: URL) throws {
        self.root = root
        file = root.file
        try root.checkKeys(["reverie", "name", "description", "seed", "dynamics", "populations", "projections",
                            "rules", "patterns", "protocol", "spiking"])
        if let v = root["reverie"] { _ = try v.int(in: 1...Self.schemaVersion, "schema version \(Self.schemaVersion)") }
        name = try root.string("name")
        description = try root.string("description", default: "")
        seed = UInt64(try root.int("seed", default: 1, in: 0...Int.max))
        dynamics = try Self.readDynamics(root["dynamics"])

        populations = []
        for p in try root.require("populations", "a list of populations").sequence() {
            let model = try p.choice("model", UnitModelRegistry.entries.map(\.name), default: "binary")
            try p.checkKeys(["name", "model", "size"] + (model == "trace" ? TraceSource.keys : []) + SpikingSettings.populationKeys(model))
            var pop = Population(name: try p.string("name"), model: model, size: try p.int("size", in: 1...50_000_000), node: p)
            if model == "trace" { pop.trace = try TraceSource(node: p, size: pop.size, baseDirectory: baseDirectory) }
            if UnitModelRegistry.entry(model)?.family == "spiking" { (pop.spiking, pop.initialVoltage) = try SpikingSettings.unit(p, model: model, size: pop.size, baseDirectory: baseDirectory) }
            if populations.contains(where: { $0.name == pop.name }) { throw try p.require("name", "").error(expected: "a unique population name") }
            populations.append(pop)
        }
        let popNames = populations.map(\.name)

        rules = []
        for r in try root["rules"]?.sequence() ?? [] {
            let type = try r.choice("type", PlasticityRegistry.entries.map(\.type) + SpikeTimingRegistry.entries.map(\.type))
            let defaults = PlasticityRegistry.entry(type)?.parameters ?? SpikeTimingRegistry.entry(type)!.parameters
            try r.checkKeys(["name", "type"] + defaults.keys.sorted())
            var params = defaults
            // Spike-timing rules: time constants and w_max positive, amplitudes ≥ 0.
            let spiking = SpikeTimingRegistry.entry(type) != nil
            for k in defaults.keys {
                guard let v = r[k] else { continue }
                params[k] = spiking ? try v.double(in: k.hasPrefix("a_") ? 0...1e12 : 1e-12...1e12) : try v.double()
            }
            let rule = Rule(name: try r.string("name", default: type), type: type, parameters: params, node: r)
            if rules.contains(where: { $0.name == rule.name }) { throw r.error(expected: "a unique rule name") }
            rules.append(rule)
        }

        projections = []
        spikingProjections = []
        spiking = try SpikingSettings(node: root["spiking"])
        for p in try root["projections"]?.sequence() ?? [] {
            let pops = populations
            let ends = try [p.choice("from", popNames), p.choice("to", popNames)].map { n in pops.first { $0.name == n }! }
            let families = ends.map { UnitModelRegistry.entry($0.model)?.family }
            if families == ["spiking", "spiking"] {
                let proj = try SpikingSettings.projection(p, from: ends[0], to: ends[1], rules: rules)
                if spikingProjections.contains(where: { $0.name == proj.name }) { throw p.error(expected: "a unique projection name") }
                spikingProjections.append(proj)
                continue
            }
            try p.checkKeys(["name", "from", "to", "connectivity", "probability", "self_connections", "delay", "initial_weight"])
            let from = try p.choice("from", popNames), to = try p.choice("to", popNames)
            let kind = try p.choice("connectivity", ["dense", "sparse"], default: "dense")
            let conn: ConnectivityKind = kind == "dense" ? .dense : .sparse(probability: try p.double("probability", in: 0...1))
            let proj = Projection(name: try p.string("name", default: "\(from)->\(to)"), from: from, to: to,
                                  connectivity: conn, selfConnections: try p.bool("self_connections", default: false),
                                  delay: try p.double("delay", default: 0, in: 0...1e12),
                                  initialWeight: try p.double("initial_weight", default: 0), node: p)
            for end in [from, to] where UnitModelRegistry.entry(populations.first { $0.name == end }!.model)?.family != "binary" {
                throw p.error(expected: "a projection between two binary or two spiking populations (\(end) is \(populations.first { $0.name == end }!.model))")
            }
            if projections.contains(where: { $0.name == proj.name }) { throw p.error(expected: "a unique projection name") }
            projections.append(proj)
        }

        try SpikingSettings.checkTimeScales(populations: populations, projections: spikingProjections, rules: rules)

        patterns = []
        for p in try root["patterns"]?.sequence() ?? [] {
            try p.checkKeys(["name", "population", "count", "load", "bias", "file"])
            let popName = try p.choice("population", popNames)
            let size = populations.first { $0.name == popName }!.size
            let source: PatternSource
            if let f = p["file"] {
                source = .file(baseDirectory.appendingPathComponent(try f.string()).standardizedFileURL)
            } else if let load = p["load"] {
                let alpha = try load.double(in: 0...1e6)
                source = .random(count: max(1, Int((alpha * Double(size)).rounded())), bias: try p.double("bias", default: 0, in: -1...1))
            } else {
                source = .random(count: try p.int("count", in: 1...10_000_000), bias: try p.double("bias", default: 0, in: -1...1))
            }
            let pat = Patterns(name: try p.string("name", default: "patterns"), population: popName, source: source, node: p)
            if patterns.contains(where: { $0.name == pat.name }) { throw p.error(expected: "a unique pattern-set name") }
            patterns.append(pat)
        }

        phases = []
        let steps = try root.require("protocol", "a list of phases").sequence()
        if steps.isEmpty { throw try root.require("protocol", "").error(expected: "at least one phase") }
        // Phases read the rest of the model (populations, patterns …) when they validate.
        for step in steps {
            let kind = try step.choice("phase", PhaseRegistry.phases.map { $0.kind })
            let type = PhaseRegistry.phase(kind)!
            let name = try step.string("name", default: "\(kind)-\(phases.filter { $0.kind == kind }.count + 1)")
            let runner = try type.init(node: step, model: self)
            phases.append(Phase(kind: kind, name: name, node: step, runner: runner))
        }
    }

    static func readDynamics(_ node: SpecNode?) throws -> BinaryDynamics {
        guard let node else { return BinaryDynamics() }
        try node.checkKeys(["order", "temperature", "rate"])
        let order = UpdateOrder(rawValue: try node.choice("order", UpdateOrder.allCases.map(\.rawValue), default: "random-sequential"))!
        let temperature = try node.double("temperature", default: 0, in: 0...1e12)
        return BinaryDynamics(temperature: temperature == 0 ? .zero : .glauber(beta: 1 / temperature),
                              order: order, rate: try node.double("rate", default: 1, in: 1e-12...1e12))
    }

    // MARK: Lookups used by phases while validating

    public func population(_ node: SpecNode) throws -> Population {
        let name = try node.choice(populations.map(\.name))
        return populations.first { $0.name == name }!
    }

    public func patternSet(_ node: SpecNode) throws -> Patterns {
        let name = try node.choice(patterns.map(\.name))
        return patterns.first { $0.name == name }!
    }

    public func projection(_ node: SpecNode) throws -> Projection {
        let name = try node.choice(projections.map(\.name))
        return projections.first { $0.name == name }!
    }

    public func rule(_ node: SpecNode) throws -> Rule {
        let name = try node.choice(rules.map(\.name))
        return rules.first { $0.name == name }!
    }
}
