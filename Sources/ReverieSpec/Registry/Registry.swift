import ReverieKernel

/// Every model family, rule and protocol phase a model file can name, in one
/// place (NEST registers its models in one module). Families come in the order
/// their units are numbered in traces.
public struct Registry: Sendable {
    public let families: [FamilyEntry]
    /// Phases every family shares (e.g. `run`).
    public let sharedPhases: [any ProtocolPhase.Type]

    public init(families: [FamilyEntry], sharedPhases: [any ProtocolPhase.Type] = [RunPhase.self]) {
        self.families = families
        self.sharedPhases = sharedPhases
    }

    /// This registry with one more family (e.g. a test's).
    public func adding(_ family: FamilyEntry) -> Registry {
        Registry(families: families + [family], sharedPhases: sharedPhases)
    }

    /// The shared phases, then each family's own.
    public var phases: [any ProtocolPhase.Type] { sharedPhases + families.flatMap(\.phases) }

    public var rules: [RuleEntry] { families.flatMap(\.rules) }
    public var unitModels: [(family: FamilyEntry, model: UnitModelInfo)] {
        families.flatMap { f in f.unitModels.map { (f, $0) } }
    }
    public var sections: [String] { families.flatMap(\.sections) }

    public func family(ofUnitModel model: String) -> FamilyEntry? { families.first { $0.unitModels.contains { $0.name == model } } }
    public func unitModel(_ model: String) -> UnitModelInfo? { unitModels.first { $0.model.name == model }?.model }
    public func rule(_ type: String) -> RuleEntry? { rules.first { $0.type == type } }
    public func phase(_ kind: String) -> (any ProtocolPhase.Type)? { phases.first { $0.kind == kind } }
}
