import Foundation
import ReverieKernel

/// The reference integrator of `PCNetwork`: synchronous forward Euler with step
/// dt, every unit updated from the previous step's state:
///
///     e ← e + (dt/τ_e)(Mᵀσ(v) − v − b − e)
///     v ← v + (dt/τ)(e − σ'(v) ⊙ (M e))          (free units only)
///     M ← M − (dt/γ) σ(v) eᵀ,  b ← b + (dt/γ) e  (when learning)
///
/// Each step costs O(N²) whatever the state. For the trace, a unit reports its
/// state when it moved by more than `sendThreshold` since its last report, the
/// same rule by which event-driven units send.
public struct PCEulerIntegrator {
    var activity: [Double]
    var prediction: [Double]
    var feedback: [Double]
    var nextValue: [Double]
    var nextError: [Double]
    var signals: [LocalSignal]
    var reported: [Double]

    public init(network net: PCNetwork) {
        let n = net.size
        activity = Array(repeating: 0, count: n)
        prediction = activity
        feedback = activity
        nextValue = activity
        nextError = activity
        signals = Array(repeating: LocalSignal(activity: 0), count: n)
        reported = net.value + net.error
    }

    /// Advances the network by `duration` (rounded to whole steps).
    public mutating func run(_ net: PCNetwork, for duration: Double, learning: Bool) {
        let steps = Int((duration / net.options.dt).rounded())
        for _ in 0..<steps { step(net, learning: learning) }
    }

    /// One synchronous Euler step.
    public mutating func step(_ net: PCNetwork, learning: Bool) {
        let n = net.size, o = net.options
        let k = o.dt / o.tau, ke = o.dt / o.effectiveErrorTau
        // The network's arrays read once a step (not through the class per element).
        let v = net.value, e = net.error, b = net.bias, clamped = net.clamped
        for i in 0..<n { activity[i] = tanh(v[i]) }
        for j in 0..<n { prediction[j] = 0 }
        DenseKernels.project(net.weights, activity[...], into: &prediction, rowDotsWith: e, into: &feedback)
        for i in 0..<n {
            nextError[i] = e[i] + ke * (prediction[i] - v[i] - b[i] - e[i])
            let a = activity[i]
            nextValue[i] = clamped[i] ? v[i] : v[i] + k * (e[i] - (1 - a * a) * feedback[i])
        }
        if learning { net.learn(activity: activity, error: e, step: o.dt, signals: &signals) }
        swap(&net.value, &nextValue)
        swap(&net.error, &nextError)
        net.time += SimTime(o.dt)
        net.eulerSteps += 1
        net.receptions += 2 * n * n  // every synapse carries a prediction and an error term per step
        if net.sinks.isActive { report(net) }
    }

    mutating func report(_ net: PCNetwork) {
        let n = net.size, theta = net.options.sendThreshold
        for u in 0..<(2 * n) {
            let x = u < n ? net.value[u] : net.error[u - n]
            guard abs(x - reported[u]) > theta else { continue }
            reported[u] = x
            net.sinks.emit(.state(u < n ? net.valueID(u) : net.errorID(u - n), x, at: net.time))
        }
    }
}
