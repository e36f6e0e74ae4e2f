import Foundation
import ReverieKernel

/// How binary units decide, from their own state and local field only.
///
/// - zero temperature: `s ← sign(h)`, keeping `s` when `h = 0`;
/// - Glauber at inverse temperature β: `s = +1` with probability `(1 + tanh(βh)) / 2`.
public enum BinaryTemperature: Sendable, Equatable {
    case zero
    case glauber(beta: Double)

    /// The new state of a unit. Its arguments are everything a unit may see.
    @inlinable @inline(__always)
    public func decide(state s: Double, field h: Double, rng: inout RandomStream) -> Double {
        switch self {
        case .zero:
            return h > 0 ? 1 : (h < 0 ? -1 : s)
        case .glauber(let beta):
            return rng.nextUnit() < 0.5 * (1 + tanh(beta * h)) ? 1 : -1
        }
    }
}

/// When units update.
public enum UpdateOrder: String, Sendable, Equatable, CaseIterable {
    /// Continuous time: every unit owns a Poisson clock of rate `rate`. At zero
    /// temperature only unstable units can change, so the kernel draws the next
    /// tick among them directly (rate × #unstable; the n-fold way of Bortz,
    /// Kalos & Lebowitz 1975): exact in distribution, with no idle ticks.
    case poisson
    /// Sweeps in a fresh random permutation; one sweep takes 1/rate time units.
    case randomSequential = "random-sequential"
}

/// The update settings of a binary network.
public struct BinaryDynamics: Sendable, Equatable {
    public var temperature: BinaryTemperature
    public var order: UpdateOrder
    /// Clock rate per unit (updates per unit time).
    public var rate: Double

    public init(temperature: BinaryTemperature = .zero, order: UpdateOrder = .randomSequential, rate: Double = 1) {
        self.temperature = temperature; self.order = order; self.rate = rate
    }
}
