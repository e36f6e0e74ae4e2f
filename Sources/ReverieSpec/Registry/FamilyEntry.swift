import ReverieKernel

/// A family as the registry keeps it (type-erased `ModelFamily`).
public struct FamilyEntry: Sendable {
    public let name: String
    public let summary: String
    public let unitModels: [UnitModelInfo]
    public let sections: [String]
    public let rules: [RuleEntry]
    public let phases: [any ProtocolPhase.Type]
    public let exportedEvents: ExportedEvents?
    public let runKeys: [String]
    let read: @Sendable (_ populations: [ModelSpec.Population], _ projections: [ModelSpec.Projection],
                         _ sections: [String: SpecNode], _ model: ModelSpec) throws -> any FamilyPart
    let runOptions: @Sendable (SpecNode, ModelSpec) throws -> (any FamilyRunOptions)?

    public init<F: ModelFamily>(_ family: F.Type) {
        name = F.name
        summary = F.summary
        unitModels = F.unitModels.map(\.info)
        sections = F.sections
        rules = F.rules
        phases = F.phases
        exportedEvents = F.exportedEvents
        runKeys = F.runKeys
        runOptions = { try F.runOptions($0, model: $1) }
        read = { populations, projections, sections, model in
            var units: [(population: ModelSpec.Population, unit: F.Unit)] = []
            for p in populations {
                let entry = F.unitModels.first { $0.name == p.model }!
                try p.node.checkKeys(["name", "model", "size"] + entry.keys.map(\.name))
                units.append((p, try entry.parse(p.node, UnitContext(population: p.name, size: p.size, baseDirectory: model.baseDirectory))))
            }
            let spec = try F.spec(FamilyInput(populations: units, projections: projections, sections: sections), model: model)
            return TypedFamilyPart<F>(spec: spec)
        }
    }
}

/// A family's validated part of a model file, type-erased.
public protocol FamilyPart: Sendable {
    var family: String { get }
    var layout: [(name: String, model: String, size: Int)] { get }
    /// One line per projection into the family.
    var projectionLines: [String] { get }
    func memory(_ model: ModelSpec) -> [MemoryUse]
    func build(_ context: BuildContext) throws -> any NetworkFamily
}

struct TypedFamilyPart<F: ModelFamily>: FamilyPart {
    let spec: F.Spec
    var family: String { F.name }
    var layout: [(name: String, model: String, size: Int)] { F.layout(spec) }
    var projectionLines: [String] { F.describeProjections(spec) }
    func memory(_ model: ModelSpec) -> [MemoryUse] { F.memory(spec, model: model) }
    func build(_ context: BuildContext) throws -> any NetworkFamily {
        let network = try F.build(spec, context: context)
        precondition(network.layout.map(\.name) == layout.map(\.name), "\(F.name): the network's layout differs from layout(_:)")
        return network
    }
}
