import Foundation
import ReverieKernel

/// A model family: which unit models it simulates, how it reads its part of a
/// model file, and how it builds its network (a `NetworkFamily` the engine runs).
///
/// To add a family: one folder with a type conforming to this protocol, its
/// network, unit models, rules and phases, and one line in the registry
/// (`Registry.standard`, or `Registry.adding(_:)` in tests). See CONTRIBUTING.md.
public protocol ModelFamily {
    /// What a population's unit model reads into (e.g. LIF parameters).
    associatedtype Unit: Sendable
    /// The family's validated part of a model file.
    associatedtype Spec: Sendable
    associatedtype Network: NetworkFamily

    /// The family's name in listings ("binary", "spiking", …).
    static var name: String { get }
    static var summary: String { get }
    static var unitModels: [UnitModel<Unit>] { get }
    /// Top-level sections of a model file this family reads (e.g. "dynamics").
    static var sections: [String] { get }
    static var rules: [RuleEntry] { get }
    static var phases: [any ProtocolPhase.Type] { get }
    /// What other families can receive from this family's populations (nil: nothing).
    static var exportedEvents: ExportedEvents? { get }
    /// Keys this family adds to the generic `run` phase.
    static var runKeys: [String] { get }

    /// Reads the family's populations (units already read), the projections into
    /// them and its sections; `model` has every population, rule and pattern set.
    static func spec(_ input: FamilyInput<Unit>, model: ModelSpec) throws -> Spec
    /// The populations of the network `build` makes, in id order (name, unit model, size).
    static func layout(_ spec: Spec) -> [(name: String, model: String, size: Int)]
    /// Builds the network for one run.
    static func build(_ spec: Spec, context: BuildContext) throws -> Network
    /// One line per projection into the family, for `reverie validate`.
    static func describeProjections(_ spec: Spec) -> [String]
    /// What building and running the family's network will allocate, item by item,
    /// so a model that would exhaust the memory is refused when it is validated.
    static func memory(_ spec: Spec, model: ModelSpec) -> [MemoryUse]
    /// The family's part of a `run` phase (nil when it adds nothing).
    static func runOptions(_ node: SpecNode, model: ModelSpec) throws -> (any FamilyRunOptions)?
}

extension ModelFamily {
    public static var sections: [String] { [] }
    public static var rules: [RuleEntry] { [] }
    public static var phases: [any ProtocolPhase.Type] { [] }
    public static var exportedEvents: ExportedEvents? { nil }
    public static var runKeys: [String] { [] }
    public static func runOptions(_ node: SpecNode, model: ModelSpec) throws -> (any FamilyRunOptions)? { nil }
    public static func describeProjections(_ spec: Spec) -> [String] { [] }
    public static func memory(_ spec: Spec, model: ModelSpec) -> [MemoryUse] { [] }
}

/// Bytes a part of a model will take, and the field of the model file responsible.
public struct MemoryUse: Sendable {
    public var what: String
    public var bytes: Double
    public var node: SpecNode
    public init(_ what: String, bytes: Double, node: SpecNode) { self.what = what; self.bytes = bytes; self.node = node }
}

/// What a family's populations send to other families.
public enum ExportedEvents: String, Sendable {
    case spikes
    case stateChanges = "state changes"
}

/// A family's share of a model file, as `ModelSpec` hands it over.
public struct FamilyInput<Unit: Sendable>: Sendable {
    /// The family's populations in model order, each with its unit description.
    public var populations: [(population: ModelSpec.Population, unit: Unit)]
    /// Projections whose target is one of the family's populations, in model order.
    public var projections: [ModelSpec.Projection]
    /// The family's top-level sections present in the file.
    public var sections: [String: SpecNode]
}

/// A family's part of a generic `run` phase: what to set up, when to stop, what to report.
public protocol FamilyRunOptions: Sendable {
    /// Metrics the run reports for this family.
    var metrics: [String] { get }
    /// How long to run when the phase gives no `duration` (nil: until a fixed point).
    var duration: Double? { get }
    /// Before the run (e.g. a random start).
    func prepare(_ context: RunContext) throws
    /// A condition that ends the run early.
    func stopCondition(_ context: RunContext) throws -> (() -> Bool)?
    /// After the run: summary values and lines. `since` are the family's counters at the start.
    func report(_ context: RunContext, since: RunCounters, elapsed: SimTime, reason: StopReason,
                seconds: Double) throws -> (summary: [(key: String, value: Double)], lines: [String])
}

extension FamilyRunOptions {
    public var metrics: [String] { [] }
    public var duration: Double? { nil }
    public func prepare(_ context: RunContext) throws {}
    public func stopCondition(_ context: RunContext) throws -> (() -> Bool)? { nil }
}
