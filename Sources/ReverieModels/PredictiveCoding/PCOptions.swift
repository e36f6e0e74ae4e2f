/// Which integrator advances the value and error units.
public enum PCIntegrator: String, Sendable, Equatable, CaseIterable {
    /// Units exchange value/prediction/error messages through the scheduler and
    /// re-send only when their value moved by more than `sendThreshold`
    /// (`PCEventRelaxation`).
    case eventDriven = "event-driven"
    /// Synchronous forward Euler with step `dt`, the reference (`PCEulerIntegrator`).
    case euler
}

/// Settings of a predictive-coding Hopfield network (docs/science.md §5; Ganjidoost,
/// Snow & Orchard 2024). Defaults are the prototype's values; time is in seconds.
public struct PCOptions: Sendable, Equatable {
    /// τ of value units, and of error units unless `errorTau` is set.
    public var tau = 0.05
    /// τ_e of error units *(check)*: the paper's prototype uses τ for both. With
    /// τ_e = τ the relaxation rings (F = ½‖e‖² is not monotone); with τ_e ≪ τ the
    /// errors stay near rest and the values descend F.
    public var errorTau: Double? = nil
    /// γ, the time constant of learning (γ dM/dt = −σ(v) eᵀ, γ db/dt = e).
    public var gamma = 0.2
    /// Euler step; also the learning step of the event-driven trainer unless `learnStep` is set.
    public var dt = 0.001
    /// Learning step Δ of the event-driven trainer (its relaxation needs no step);
    /// nil means `dt`. Each step costs O(N²), like an Euler step. One step moves
    /// the prediction targets by a gain g = (Δ/γ)(N + 1) of the errors, which then
    /// relax by a fraction k = 1 − e^{−Δ/τ_e}: the loop diverges once g·k nears 4
    /// and rings (many messages) well before, so keep g·k ≪ 1 (e.g. at N = 400,
    /// Δ = 1 ms rather than 10 ms).
    public var learnStep: Double? = nil
    /// How long each pattern is clamped during training.
    public var holdTime = 1.0
    /// How long the free network relaxes when recalling.
    public var recallTime = 1.0
    /// Passes over the pattern set.
    public var epochs = 10
    /// Patterns are clamped as `scale · ξ` so that tanh saturates.
    public var patternScale = 10.0
    /// Whether the self-weights M_ii learn (if not they stay 0; M = scale·I is otherwise a trivial solution).
    public var learnDiagonal = false
    /// Send-on-delta threshold θ of the event-driven integrator.
    public var sendThreshold = 0.01
    /// Delay of value/prediction/error messages (0 allowed).
    public var messageDelay = 0.0
    public var integrator = PCIntegrator.eventDriven

    public init() {}

    /// τ_e, the time constant of error units.
    public var effectiveErrorTau: Double { errorTau ?? tau }

    /// The largest step for which Euler training of N neurons is stable. While a
    /// pattern is clamped, one step moves every prediction target by
    /// −(dt/γ)(‖σ(v)‖² + 1)·e ≈ −(dt/γ)(N + 1)·e (weights and bias); explicit Euler
    /// updates e from the old target, and the error/target loop grows once that
    /// gain exceeds 1. (The event-driven trainer relaxes errors exactly toward the
    /// updated target, which keeps the loop stable up to a gain of about 4τ_e/step.)
    public func maximumStableEulerStep(size: Int) -> Double { gamma / Double(size + 1) }
}
