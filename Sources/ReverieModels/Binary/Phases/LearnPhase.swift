import ReverieKernel
import ReverieSpec

/// `phase: learn` — clamp each pattern in turn on its population and let every
/// synapse of a recurrent projection apply a local rule to the states it
/// received (docs/science.md §2). With the `hebbian` rule this builds
/// J_ij = (η/N) Σ_μ ξ_i^μ ξ_j^μ.
public struct LearnPhase: ProtocolPhase {
    public static let kind = "learn"
    public static let summary = "clamp each pattern and apply a local plasticity rule to a recurrent projection"

    let patterns: String
    let projection: String
    let rule: ModelSpec.Rule
    let epochs: Int
    let presentationTime: Double
    let recordWeights: Bool

    public init(node: SpecNode, model: ModelSpec) throws {
        try node.checkKeys(["phase", "name", "patterns", "projection", "rule", "epochs", "presentation_time", "record_weights"])
        let set = try BinaryFamily.patternSet(node.require("patterns", "the name of a pattern set"), model: model)
        let proj = try BinaryFamily.recurrentProjection(node.require("projection", "the name of a projection"), on: set.population,
                                                        dense: false, model: model, what: "where the patterns live")
        patterns = set.name
        projection = proj.name
        rule = try model.rule(node.require("rule", "the name of a rule"), acting: .clamped)
        epochs = try node.int("epochs", default: 1, in: 1...1_000_000)
        presentationTime = try node.double("presentation_time", default: 1, in: 0...1e12)
        recordWeights = try node.bool("record_weights", default: false)
    }

    public func run(_ context: RunContext) throws -> PhaseResult {
        let net = context.network(BinaryFamily.self)
        let k = net.projectionIndex(projection)!
        let pop = net.projections[k].post
        let set = context.patterns[patterns]!
        let rule = self.rule.make(presynapticCount: net.populations[pop].size)
        for epoch in 0..<epochs {
            for mu in 0..<set.count {
                net.setState(set[mu], population: pop, clamped: true)
                net.learn(projection: k, rule: rule)
                context.time += SimTime(presentationTime)
                context.progress(Double(epoch * set.count + mu + 1) / Double(epochs * set.count))
            }
        }
        net.setState(Array(net.states(of: pop)), population: pop, clamped: false)
        if recordWeights { net.emitWeights(projection: k, at: context.time) }
        let syn = net.projections[k].synapses
        var sumSq = 0.0
        for j in 0..<syn.preCount { syn.forEachSynapse(from: j) { _, w in sumSq += w * w } }
        let rms = (sumSq / Double(max(1, syn.synapseCount))).squareRoot()
        return PhaseResult(
            summary: [("patterns", Double(set.count)), ("epochs", Double(epochs)),
                      ("synapses", Double(syn.synapseCount)), ("rms_weight", rms)],
            lines: ["stored \(set.count) patterns × \(epochs) epoch(s) with \(rule.name) on \(projection) (\(syn.synapseCount) synapses, rms weight \(String(format: "%.4g", rms)))"])
    }
}
