import Foundation
import ReverieKernel

/// A validated model file (schema in models/README.md). Building it checks every
/// field; nothing is simulated yet. The generic parts (populations, projections,
/// rules, pattern sets, the protocol) are read here; each family reads the rest
/// of its populations and projections (`ModelFamily.spec`).
public struct ModelSpec: Sendable {
    public struct Population: Sendable {
        public var name: String
        /// The unit model (`model:`) and the family that simulates it.
        public var model: String
        public var family: String
        public var size: Int
        public var node: SpecNode
    }

    public struct Projection: Sendable {
        public var name: String
        public var from: String
        public var to: String
        /// The family of the target population, which reads the projection.
        public var family: String
        /// The family of the source population.
        public var sourceFamily: String
        public var node: SpecNode
    }

    public struct Rule: Sendable {
        public var name: String
        public var type: String
        public var parameters: [String: Double]
        public var node: SpecNode
        public var entry: RuleEntry
    }

    public enum PatternSource: Sendable {
        case random(count: Int, bias: Double)
        /// Read (and checked) when the model is validated.
        case file(URL, PatternSet)
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

    public let registry: Registry
    public var file: String
    /// The model as run: the file's tree after the `--set` overrides.
    public var root: SpecNode
    /// The `--set` overrides applied, in order.
    public var overrides: [String] = []
    /// The folder of the model file: relative paths in it start here.
    public var baseDirectory: URL
    public var name: String
    public var description: String
    public var seed: UInt64
    public var populations: [Population]
    public var projections: [Projection]
    public var rules: [Rule]
    public var patterns: [Patterns]
    /// Each family's part, in registry order (families without populations have none).
    public var parts: [any FamilyPart]
    public var phases: [Phase]

    public static let schemaVersion = 1

    /// The memory a model may ask for unless told otherwise (`--max-memory`): the machine's.
    public static let defaultMemoryLimit = Double(ProcessInfo.processInfo.physicalMemory)

    /// Reads and validates a model file, applying `--set` overrides first. A model
    /// whose networks, pattern sets and queues would take more than `memoryLimit`
    /// bytes is refused, naming the field that asks for the most.
    public static func load(path: String, overrides: [String] = [], registry: Registry,
                            memoryLimit: Double = defaultMemoryLimit) throws -> ModelSpec {
        let text = try readModelText(path)
        var root = try SpecNode.parse(text, file: path)
        for o in overrides { try root.override(o) }
        var spec = try ModelSpec(root: root, baseDirectory: URL(fileURLWithPath: path).deletingLastPathComponent(), registry: registry)
        spec.overrides = overrides
        try spec.checkMemory(limit: memoryLimit)
        return spec
    }

    /// A path from a model file: absolute as given, else relative to the model's folder.
    public static func resolve(_ path: String, in base: URL) -> URL {
        (path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)).standardizedFileURL
    }

    /// The text of a model file, or an error that says what is wrong with the path
    /// (missing, a directory, not a regular file, unreadable) or which line is not UTF-8.
    static func readModelText(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelError(file: path, path: "", expected: "a readable UTF-8 model file", found: "no such file")
        }
        if isDirectory.boolValue { throw ModelError(file: path, path: "", expected: "a readable UTF-8 model file", found: "a directory") }
        let type = (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) ?? nil
        guard type == .typeRegular || type == .typeSymbolicLink else {
            throw ModelError(file: path, path: "", expected: "a readable UTF-8 model file", found: "not a regular file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError(file: path, path: "", expected: "a readable UTF-8 model file", found: "a file that cannot be read")
        }
        guard data.count <= 64 << 20 else { throw ModelError(file: path, path: "", expected: "a model file of at most 64 MB", found: "\(data.count) bytes") }
        if let text = String(data: data, encoding: .utf8) { return text }
        // Find the first byte that is not valid UTF-8, for its line.
        let bytes = [UInt8](data)
        var valid = 0
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): valid += UTF8.width(s)
            case .emptyInput: break loop
            case .error: break loop
            }
        }
        let line = bytes[..<valid].reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
        throw ModelError(file: path, line: line, path: "", expected: "UTF-8 text", found: "byte \(valid) is not UTF-8")
    }

    public init(root: SpecNode, baseDirectory: URL, registry: Registry) throws {
        self.registry = registry
        self.root = root
        self.baseDirectory = baseDirectory
        file = root.file
        try root.checkKeys(["reverie", "name", "description", "seed", "populations", "projections", "rules", "patterns", "protocol"]
                           + registry.sections)
        if let v = root["reverie"] { _ = try v.int(in: 1...Self.schemaVersion, "schema version \(Self.schemaVersion)") }
        name = try root.string("name")
        description = try root.string("description", default: "")
        seed = UInt64(try root.int("seed", default: 1, in: 0...Int.max))

        populations = []
        let models = registry.unitModels.map(\.model.name)
        for p in try root.require("populations", "a list of populations").sequence() {
            let model = try p.choice("model", models, default: models.first)
            let pop = Population(name: try p.string("name"), model: model, family: registry.family(ofUnitModel: model)!.name,
                                 size: try p.int("size", in: 1...50_000_000), node: p)
            if populations.contains(where: { $0.name == pop.name }) { throw try p.require("name", "").error(expected: "a unique population name") }
            populations.append(pop)
        }
        let names = populations.map(\.name), known = populations

        rules = []
        for r in try root["rules"]?.sequence() ?? [] {
            let entry = registry.rule(try r.choice("type", registry.rules.map(\.type)))!
            try r.checkKeys(["name", "type"] + entry.parameters.keys.sorted())
            var values = entry.parameters
            for k in entry.parameters.keys {
                guard let v = r[k] else { continue }
                values[k] = try v.double(in: entry.ranges[k] ?? -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
            }
            let rule = Rule(name: try r.string("name", default: entry.type), type: entry.type, parameters: values, node: r, entry: entry)
            if rules.contains(where: { $0.name == rule.name }) { throw r.error(expected: "a unique rule name") }
            rules.append(rule)
        }

        projections = []
        for p in try root["projections"]?.sequence() ?? [] {
            let from = try p.choice("from", names), to = try p.choice("to", names)
            let families = [from, to].map { n in known.first { $0.name == n }!.family }
            let proj = Projection(name: try p.string("name", default: "\(from)->\(to)"), from: from, to: to,
                                  family: families[1], sourceFamily: families[0], node: p)
            if projections.contains(where: { $0.name == proj.name }) { throw p.error(expected: "a unique projection name") }
            projections.append(proj)
        }

        patterns = []
        for p in try root["patterns"]?.sequence() ?? [] {
            try p.checkKeys(["name", "population", "count", "load", "bias", "file"])
            let popName = try p.choice("population", names)
            let size = populations.first { $0.name == popName }!.size
            let source: PatternSource
            if let f = p["file"] {
                let url = Self.resolve(try f.string(), in: baseDirectory)
                source = .file(url, try PatternFile.read(url, size: size, node: p))
            } else if let load = p["load"] {
                let alpha = try load.double(in: 0...1e6)
                let count = max(1, Int((alpha * Double(size)).rounded()))
                guard count <= 10_000_000 else { throw load.error(expected: "a load giving at most 10000000 patterns (αN = \(count))") }
                source = .random(count: count, bias: try p.double("bias", default: 0, in: -1...1))
            } else {
                source = .random(count: try p.int("count", in: 1...10_000_000), bias: try p.double("bias", default: 0, in: -1...1))
            }
            let pat = Patterns(name: try p.string("name", default: "patterns"), population: popName, source: source, node: p)
            if patterns.contains(where: { $0.name == pat.name }) { throw p.error(expected: "a unique pattern-set name") }
            patterns.append(pat)
        }

        // Each family reads its populations, the projections into them and its sections.
        parts = []
        phases = []
        for f in registry.families {
            let pops = populations.filter { $0.family == f.name }
            var sections: [String: SpecNode] = [:]
            for key in f.sections { if let node = root[key] { sections[key] = node } }
            guard !pops.isEmpty else { continue }
            parts.append(try f.read(pops, projections.filter { $0.family == f.name }, sections, self))
        }

        let steps = try root.require("protocol", "a list of phases").sequence()
        if steps.isEmpty { throw try root.require("protocol", "").error(expected: "at least one phase") }
        // Phases read the rest of the model (populations, patterns …) when they validate.
        var phases: [Phase] = []
        for step in steps {
            let kind = try step.choice("phase", registry.phases.map { $0.kind })
            let type = registry.phase(kind)!
            let name = try step.string("name", default: "\(kind)-\(phases.filter { $0.kind == kind }.count + 1)")
            // Phase names name result files (<phase>.csv): one path component, each once.
            if name.contains("/") || name.contains("\\") || name.hasPrefix(".") || name.utf8.count > 100
                || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw try step.require("name", "").error(expected: "a phase name without /, \\, control characters or a leading dot, at most 100 bytes")
            }
            if phases.contains(where: { $0.name == name }) { throw (step["name"] ?? step).error(expected: "a unique phase name (\(name) is taken)") }
            phases.append(Phase(kind: kind, name: name, node: step, runner: try type.init(node: step, model: self)))
        }
        self.phases = phases
    }

    // MARK: Memory

    /// What the model will allocate: every family's networks and the pattern sets
    /// (each held once, and once more by stability measurements).
    public var memoryUse: [MemoryUse] {
        var uses = parts.flatMap { $0.memory(self) }
        for p in patterns {
            let size = Double(populations.first { $0.name == p.population }!.size)
            let count: Int
            switch p.source {
            case .random(let c, _): count = c
            case .file(_, let set): count = set.count
            }
            uses.append(MemoryUse("pattern set \(p.name) (\(count) × \(Int(size)) values, 8 B each, twice)", bytes: 16 * Double(count) * size,
                                  node: p.node["count"] ?? p.node["load"] ?? p.node))
        }
        return uses
    }

    /// Refuses a model that would need more than `limit` bytes.
    public func checkMemory(limit: Double) throws {
        let uses = memoryUse
        let total = uses.reduce(0) { $0 + $1.bytes }
        guard total > limit, let worst = uses.max(by: { $0.bytes < $1.bytes }) else { return }
        throw worst.node.error(expected: "a model that fits in \(Self.bytes(limit)) (raise it with --max-memory GB): the whole model needs \(Self.bytes(total)), \(worst.what) alone \(Self.bytes(worst.bytes))")
    }

    /// "3.2 GB", "640 MB".
    public static func bytes(_ b: Double) -> String {
        if !b.isFinite || b >= 1e18 { return String(format: "%.3g B", b) }
        for (unit, scale) in [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)] where b >= scale {
            return String(format: "%.3g %@", b / scale, unit)
        }
        return String(format: "%.0f B", b)
    }

    // MARK: Lookups used by families and phases while validating

    /// The validated part of family `F`, if the model has populations of it.
    public func part<F: ModelFamily>(_ family: F.Type) -> F.Spec? {
        for p in parts { if let typed = p as? TypedFamilyPart<F> { return typed.spec } }
        return nil
    }

    public func population(_ node: SpecNode) throws -> Population {
        let name = try node.choice(populations.map(\.name))
        return populations.first { $0.name == name }!
    }

    /// A population of family `F` named by `node`.
    public func population<F: ModelFamily>(_ node: SpecNode, of family: F.Type) throws -> Population {
        let p = try population(node)
        guard p.family == F.name else { throw node.error(expected: "a population of the \(F.name) family (\(p.name) is \(p.model))") }
        return p
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

    /// A rule named by `node` that acts at `trigger` events.
    public func rule(_ node: SpecNode, acting trigger: PlasticityTrigger) throws -> Rule {
        let r = try rule(node)
        guard r.entry.trigger == trigger else {
            throw node.error(expected: "a rule that acts \(trigger.rawValue) (\(r.name) is \(r.type), which acts \(r.entry.trigger.rawValue))")
        }
        return r
    }

    /// What one unit of simulated time means in this model (its first population's unit model).
    public var timeUnit: String { populations.first.flatMap { registry.unitModel($0.model)?.timeUnit } ?? "clock period" }
}
