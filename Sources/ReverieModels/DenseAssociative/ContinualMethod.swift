import ReverieKernel
import ReverieSpec

/// A sequential-learning method of `dam-tasks` (docs/science.md §7), selected in
/// the model file by `method: {type: …, …}`: it may replay items with each new
/// task's, add a penalty to the training gradient, and act when a task ends.
public protocol ContinualMethod: Sendable {
    /// The value of `type:`.
    static var type: String { get }
    /// The method's keys besides `type`.
    static var keys: [String] { get }
    init(node: SpecNode) throws
    /// Items trained together with the next task's.
    var replay: [[Double]] { get }
    /// Adds the gradient of the method's penalty at `memories` to `gradient` (nil: no penalty).
    var penalty: (@Sendable (DenseWeights, inout [Double]) -> Void)? { get }
    /// After task `end.task` has been learned.
    mutating func endTask(_ end: TaskEnd) throws
}

extension ContinualMethod {
    public var replay: [[Double]] { [] }
    public var penalty: (@Sendable (DenseWeights, inout [Double]) -> Void)? { nil }
    public mutating func endTask(_ end: TaskEnd) throws {}
}

/// What a method sees when a task ends.
public struct TaskEnd {
    /// Index of the task just learned.
    public var task: Int
    /// The network, holding the memories learned so far.
    public var network: DAMNetwork
    /// The task's training items.
    public var items: [[Double]]
    public var trainer: DAMTrainer
    /// The method's random stream for this task.
    public var rng: RandomStream
    /// Event budget of one relaxation.
    public var maxEvents: Int
}

/// Training on each task alone (catastrophic forgetting is expected).
public struct NaiveMethod: ContinualMethod {
    public static let type = "naive"
    public static let keys: [String] = []
    public init() {}
    public init(node: SpecNode) throws {}
}

/// The methods a model file can select.
public enum ContinualMethods {
    public static let all: [any ContinualMethod.Type] = [NaiveMethod.self, RehearsalMethod.self, PseudorehearsalMethod.self,
                                                         ImportancePenalty.EWC.self, ImportancePenalty.MAS.self]

    /// `method: naive` or `method: {type: ewc, lambda: 10}`.
    public static func parse(_ node: SpecNode) throws -> any ContinualMethod {
        if case .scalar = node.kind {
            let type = try node.choice(all.map { $0.type })
            let m = all.first { $0.type == type }!
            return try m.init(node: SpecNode(kind: .mapping([]), line: node.line, path: node.path, file: node.file))
        }
        let type = try node.choice("type", all.map { $0.type })
        let m = all.first { $0.type == type }!
        try node.checkKeys(["type"] + m.keys)
        return try m.init(node: node)
    }
}
