import ReverieKernel
import ReverieSpec

/// The predictive-coding settings a `pc-train` or `pc-test` phase may give
/// (docs/science.md §5). The network keeps its settings across phases: a field that
/// a phase leaves out keeps its current value (initially the `PCOptions` default).
struct PCPhaseSettings: Sendable {
    static let keys = ["tau", "error_tau", "gamma", "dt", "scale", "learn_diagonal", "send_threshold",
                       "message_delay", "integrator", "learn_step"]

    var tau, errorTau, gamma, dt, scale, sendThreshold, messageDelay, learnStep: Double?
    var learnDiagonal: Bool?
    var integrator: PCIntegrator?

    init(node: SpecNode) throws {
        let positive = 1e-12...1e12
        tau = try node["tau"]?.double(in: positive)
        errorTau = try node["error_tau"]?.double(in: positive)
        gamma = try node["gamma"]?.double(in: positive)
        dt = try node["dt"]?.double(in: positive)
        scale = try node["scale"]?.double(in: positive)
        sendThreshold = try node["send_threshold"]?.double(in: positive)
        messageDelay = try node["message_delay"]?.double(in: 0...1e12)
        learnStep = try node["learn_step"]?.double(in: positive)
        learnDiagonal = try node["learn_diagonal"]?.bool()
        integrator = try node["integrator"].map { PCIntegrator(rawValue: try $0.choice(PCIntegrator.allCases.map(\.rawValue)))! }
        let t = tau ?? PCOptions().tau, te = errorTau ?? tau ?? PCOptions().tau
        if let dt, dt > 0.5 * min(t, te) {
            throw try node.require("dt", "").error(expected: "a step dt ≤ τ/2 = \(0.5 * min(t, te)) (forward Euler is unstable beyond)")
        }
    }

    func apply(to o: inout PCOptions) {
        if let tau { o.tau = tau }
        if let errorTau { o.errorTau = errorTau }
        if let gamma { o.gamma = gamma }
        if let dt { o.dt = dt }
        if let scale { o.patternScale = scale }
        if let sendThreshold { o.sendThreshold = sendThreshold }
        if let messageDelay { o.messageDelay = messageDelay }
        if let learnStep { o.learnStep = learnStep }
        if let learnDiagonal { o.learnDiagonal = learnDiagonal }
        if let integrator { o.integrator = integrator }
    }

    /// The pattern set named by `patterns:`, which must live on a `pc` population.
    static func patterns(_ node: SpecNode, model: ModelSpec) throws -> ModelSpec.Patterns {
        let field = try node.require("patterns", "the name of a pattern set on a pc population")
        let set = try model.patternSet(field)
        let pop = model.populations.first { $0.name == set.population }!
        guard pop.family == PredictiveCodingFamily.name else {
            throw field.error(expected: "a pattern set on a population with model: pc (\(pop.name) is \(pop.model))")
        }
        return set
    }
}
