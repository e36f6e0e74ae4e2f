import ReverieKernel
import ReverieSpec

/// `phase: pc-train` — online predictive-coding training of a `pc` population
/// (docs/science.md §5; Ganjidoost, Snow & Orchard 2024): for each epoch, each pattern
/// is clamped as `scale · ξ` for `hold_time` while the error units relax and M, b
/// learn (γ dM/dt = −σ(v) eᵀ, γ db/dt = e).
public struct PCTrainPhase: ProtocolPhase {
    public static let kind = "pc-train"
    public static let summary = "clamp each pattern on a pc population while M and b learn online (predictive coding)"

    let patterns: String
    let population: String
    let epochs: Int
    let holdTime: Double
    let recordWeights: Bool
    let settings: PCPhaseSettings

    public init(node: SpecNode, model: ModelSpec) throws {
        try node.checkKeys(["phase", "name", "patterns", "epochs", "hold_time", "record_weights"] + PCPhaseSettings.keys)
        let set = try PCPhaseSettings.patterns(node, model: model)
        patterns = set.name
        population = set.population
        epochs = try node.int("epochs", default: PCOptions().epochs, in: 1...1_000_000)
        holdTime = try node.double("hold_time", default: PCOptions().holdTime, in: 1e-12...1e12)
        recordWeights = try node.bool("record_weights", default: false)
        settings = try PCPhaseSettings(node: node)
        var o = PCOptions()
        settings.apply(to: &o)
        let size = model.populations.first { $0.name == set.population }!.size
        if settings.integrator == .euler, o.dt >= o.maximumStableEulerStep(size: size) {
            throw node.error(expected: String(format: "dt < γ/(N + 1) = %.3g for Euler training of %ld neurons (it diverges beyond); lower dt or use integrator: event-driven",
                                              o.maximumStableEulerStep(size: size), size))
        }
    }

    public func run(_ context: RunContext) throws -> PhaseResult {
        let net = context.network(PredictiveCodingFamily.self).network(for: population)
        let set = context.patterns[patterns]!
        settings.apply(to: &net.options)
        net.options.epochs = epochs
        net.options.holdTime = holdTime
        net.time = context.time
        let events0 = net.events, messages0 = net.messages
        let total = Double(epochs * set.count)
        net.train(set, recordWeights: recordWeights) { context.progress(Double($0) / total) }
        context.time = net.time
        let m = net.weights.weights
        let rms = (m.reduce(0) { $0 + $1 * $1 } / Double(m.count)).squareRoot()
        let o = net.options
        return PhaseResult(
            summary: [("patterns", Double(set.count)), ("epochs", Double(epochs)), ("rms_weight", rms),
                      ("messages", Double(net.messages - messages0)), ("events", Double(net.events - events0))],
            lines: [String(format: "trained %@ on %ld patterns × %ld epochs (%@, τ = %g, γ = %g, dt = %g, hold %g, scale %g): rms weight %.4g, %ld messages",
                           population, set.count, epochs, o.integrator.rawValue, o.tau, o.gamma, o.dt, holdTime, o.patternScale,
                           rms, net.messages - messages0)])
    }
}
