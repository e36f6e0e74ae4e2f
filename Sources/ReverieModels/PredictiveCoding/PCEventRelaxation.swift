import Foundation
import ReverieKernel

/// Event-driven integration of a `PCNetwork` (docs/science.md §5): value and error
/// units are actors that exchange messages through the kernel's `Scheduler` and
/// re-send only when their own value moved by more than θ (`sendThreshold`)
/// since their last message (send-on-delta).
///
/// Messages carry the sender's new value. A value unit k's message reaches its
/// partner error unit (the value it must predict) and, as σ(v_k), every error
/// unit j through M_kj (the prediction Σ_k M_kj σ(v_k)); an error unit j's
/// message reaches its partner value unit and every value unit i through M_ij
/// (the feedback Σ_j M_ij e_j). A receiver adds weight × change to its input sum.
///
/// Between the messages it receives, a unit integrates its own equation with its
/// inputs held: an error unit, `τ_e de/dt = p − v − b − e`, exactly (an exponential
/// approach); a value unit, `τ dv/dt = e − σ'(v) c`, linearised at its last
/// message or reception, `dv/dt ≈ f(v₀) − λ(v − v₀)` with `λ = −f'(v₀)` (an
/// exponential integrator whose error over one threshold step is O(θ²)). The time
/// at which |x − x_sent| reaches θ is solved in closed form; that crossing is the
/// unit's next spontaneous event. A receiver re-plans when the input change it
/// has not yet acted on exceeds θ/100 (measured in its own drive: the target
/// p − v − b of an error unit, σ'(v)·Σ M e of a value unit; a partner message
/// always counts), so a message from a saturated unit costs its receivers one
/// multiply-add each. Work is therefore proportional to messages: a message
/// costs its fan-out plus an O(N) search for the earliest crossing, which is no
/// more than the fan-out.
///
/// Learning (when a pattern is clamped) is applied in steps of `learnStep`
/// (default `dt`): every synapse applies `PCLearningRule` to the signals it has
/// received and each error unit its bias step; the receivers' input sums are then
/// reassembled, O(N²) per step as in the Euler reference.
public final class PCEventRelaxation: DiscreteEventSystem {
    /// A unit's new value. Senders 0..<N are value units, N..<2N error units.
    public struct Message: Sendable {
        public var sender: UInt32
        public var value: Double
    }

    let net: PCNetwork
    let n: Int
    let tau: Double, errorTau: Double, theta: Double, delay: SimTime

    /// Per unit u ∈ 0..<2N (value units first): the state x at time `anchor`, its
    /// slope there, the local decay rate λ, the last value sent, the time of the
    /// next threshold crossing, the value receivers have been told, and the input
    /// change received since the last plan (in units of the unit's drive). Per value
    /// unit k: σ(v_k) as received, σ'(v_k) at its last plan, Σ_j M_kj e_j as
    /// received, whether clamped (1) or free (0). Per error unit j: Σ_k M_kj σ(v_k)
    /// as received, and its bias.
    let units: PCUnitStorage
    let replanTolerance: Double
    @exclusivity(unchecked) var signals: [LocalSignal]

    @exclusivity(unchecked) var earliest = 0
    @exclusivity(unchecked) var earliestIsStale = true

    /// Threshold crossings (messages sent) and message receptions by units.
    public private(set) var sends = 0
    public private(set) var receptions = 0

    public init(network: PCNetwork) {
        net = network
        n = network.size
        tau = network.options.tau
        errorTau = network.options.effectiveErrorTau
        theta = network.options.sendThreshold
        delay = SimTime(network.options.messageDelay)
        replanTolerance = 0.01 * theta
        units = PCUnitStorage(size: n)
        signals = Array(repeating: LocalSignal(activity: 0), count: n)
    }

    /// Starts from the network's state at `time`: every unit's value counts as
    /// sent and received (an initial broadcast, assembled in O(N²)).
    public func begin(at time: SimTime) {
        for i in 0..<n {
            units[.x, i] = net.value[i]
            units[.x, n + i] = net.error[i]
            units[.clamped, i] = net.clamped[i] ? 1 : 0
            units[.bias, i] = net.bias[i]
        }
        for u in 0..<(2 * n) {
            units[.sent, u] = units[.x, u]
            units[.received, u] = units[.x, u]
            units[.anchor, u] = time.value
        }
        for k in 0..<n { units[.receivedActivity, k] = tanh(units[.x, k]) }
        reassembleInputs()
    }

    /// Advances every unit to `time` and writes the state back to the network.
    public func synchronize(to time: SimTime) {
        for u in 0..<(2 * n) { advance(u, to: time.value) }
        for i in 0..<n {
            net.value[i] = units[.x, i]
            net.error[i] = units[.x, n + i]
        }
    }

    /// One learning step of length `step` ending at `time` (see the type's doc).
    public func learn(at time: SimTime, step: Double) {
        synchronize(to: time)
        net.learn(activity: units.array(.receivedActivity, 0..<n), error: units.array(.received, n..<(2 * n)), step: step,
                  signals: &signals)
        for j in 0..<n { units[.bias, j] = net.bias[j] }
        reassembleInputs()
    }

    func reassembleInputs() {
        var prediction = [Double](repeating: 0, count: n), feedback = [Double](repeating: 0, count: n)
        DenseKernels.project(net.weights, units.array(.receivedActivity, 0..<n)[...], into: &prediction,
                             rowDotsWith: units.array(.received, n..<(2 * n)), into: &feedback)
        units.set(.prediction, to: prediction)
        units.set(.feedback, to: feedback)
        for u in 0..<(2 * n) { plan(u) }
        earliestIsStale = true
    }

    // MARK: One unit

    /// Moves unit u along its current trajectory to time t.
    @inline(__always)
    func advance(_ u: Int, to t: Double) {
        let s = t - units[.anchor, u]
        guard s > 0 else { return }
        let lambda = units[.decay, u]
        if lambda == 0 {
            units[.x, u] += units[.slope, u] * s
        } else {
            let em1 = expm1(-lambda * s)
            units[.x, u] -= units[.slope, u] * em1 / lambda
            units[.slope, u] *= 1 + em1
        }
        units[.anchor, u] = t
    }

    /// Recomputes unit u's slope and decay from its state and inputs, and the time
    /// at which it will have moved θ from its last message.
    @inline(__always)
    func plan(_ u: Int) {
        units[.slack, u] = 0
        if u < n {
            if units[.clamped, u] == 1 {
                units[.slope, u] = 0; units[.decay, u] = 0; units[.nextSend, u] = .infinity; units[.sensitivity, u] = 0
                return
            }
            let th = tanh(units[.x, u]), s1 = 1 - th * th, c = units[.feedback, u]
            units[.sensitivity, u] = s1
            units[.slope, u] = (units[.received, n + u] - s1 * c) / tau
            units[.decay, u] = -2 * c * th * s1 / tau
        } else {
            let j = u - n
            units[.slope, u] = (units[.prediction, j] - units[.received, j] - units[.bias, j] - units[.x, u]) / errorTau
            units[.decay, u] = 1 / errorTau
        }
        units[.nextSend, u] = units[.anchor, u] + crossingDelay(offset: units[.x, u] - units[.sent, u], slope: units[.slope, u], decay: units[.decay, u])
    }

    /// Smallest s ≥ 0 with |offset + slope·φ(s)| = θ, where φ(s) = (1 − e^{−λs})/λ
    /// (= s for λ = 0) is how far a unit moves per unit of initial slope.
    @inline(__always)
    func crossingDelay(offset: Double, slope: Double, decay lambda: Double) -> Double {
        if slope == 0 { return .infinity }
        let k = ((slope > 0 ? theta : -theta) - offset) / slope
        if k <= 0 { return 0 }
        if lambda == 0 { return k }
        let arg = -lambda * k
        if arg <= -1 { return .infinity }  // the unit settles within θ of its last message
        return -log1p(arg) / lambda
    }

    // MARK: DiscreteEventSystem

    public func nextSpontaneousTime(after now: SimTime) -> SimTime? {
        if earliestIsStale {
            var best = 0
            for u in 1..<(2 * n) where units[.nextSend, u] < units[.nextSend, best] { best = u }
            earliest = best
            earliestIsStale = false
        }
        let t = units[.nextSend, earliest]
        return t.isFinite ? SimTime(Swift.max(t, now.value)) : nil
    }

    public func fireSpontaneous(at time: SimTime, scheduler: inout Scheduler<Message>) {
        let u = earliest
        advance(u, to: time.value)
        units[.sent, u] = units[.x, u]
        sends += 1
        if net.sinks.isActive {
            net.sinks.emit(.state(u < n ? net.valueID(u) : net.errorID(u - n), units[.x, u], at: time))
        }
        scheduler.schedule(Message(sender: UInt32(u), value: units[.x, u]), after: delay)
        plan(u)
        earliestIsStale = true
    }

    public func handle(_ event: Event<Message>, scheduler: inout Scheduler<Message>) {
        let t = event.time.value
        let k = Int(event.payload.sender), v = event.payload.value
        let m = net.weights.weights
        if k < n {
            // σ(v_k) along row k of M to every error unit; the partner (unit N + k) also reads v_k.
            let activity = tanh(v)
            let d = activity - units[.receivedActivity, k]
            units[.receivedActivity, k] = activity
            units[.received, k] = v
            for j in 0..<n {
                let change = m[k * n + j] * d
                units[.prediction, j] += change
                units[.slack, n + j] += abs(change)
                if j == k || units[.slack, n + j] > replanTolerance {
                    advance(n + j, to: t)
                    plan(n + j)
                }
            }
        } else {
            // e_j along column j of M to every value unit; the partner (unit j) also reads e_j.
            let j = k - n
            let d = v - units[.received, k]
            units[.received, k] = v
            for i in 0..<n {
                let change = m[i * n + j] * d
                units[.feedback, i] += change
                units[.slack, i] += units[.sensitivity, i] * abs(change)
                if i == j || units[.slack, i] > replanTolerance {
                    advance(i, to: t)
                    plan(i)
                }
            }
        }
        receptions += n
        earliestIsStale = true
    }
}
