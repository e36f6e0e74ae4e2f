import ReverieReport

/// One step of a model's protocol (`learn`, `test`, `run`, …).
///
/// A phase validates its own options when the model is loaded (so `reverie
/// validate` catches every mistake before anything runs) and then runs against
/// the shared `RunContext`. To add a phase: one file with a conforming type and
/// one line in `PhaseRegistry`.
public protocol ProtocolPhase: Sendable {
    /// The value of `phase:` in model files.
    static var kind: String { get }
    /// One line for `reverie --help`-style listings.
    static var summary: String { get }
    /// Reads and validates the phase's fields; `node` is the phase's mapping.
    init(node: SpecNode, model: ModelSpec) throws
    /// Names of the metrics this phase reports (`RecordKind.metric` records).
    var metrics: [String] { get }
    func run(_ context: RunContext) throws -> PhaseResult
}

extension ProtocolPhase {
    public var metrics: [String] { [] }
}

/// What a phase reports: headline numbers, a table for CSV, lines for humans.
public struct PhaseResult: Sendable {
    public var summary: [(key: String, value: Double)]
    public var table: ResultTable?
    public var lines: [String]

    public init(summary: [(key: String, value: Double)] = [], table: ResultTable? = nil, lines: [String] = []) {
        self.summary = summary; self.table = table; self.lines = lines
    }

    public func value(_ key: String) -> Double? { summary.first { $0.key == key }?.value }
}
