import Foundation
import ReverieKernel
import ReverieSpec

/// The delays of a spiking projection (ms): one value, or drawn per synapse
/// from the run's seeded stream "delays:<projection>" in CSR order.
///
///     delay: 1.5
///     delay: {uniform: [0.1, 2.0]}               # continuous
///     delay: {uniform: [0.1, 1.0], step: 0.1}    # uniform over 0.1, 0.2, …, 1.0
///     delay: {normal: [1.5, 0.3], min: 0.1}      # below min: min
///     delay: {normal: [1.5, 0.3], min: 0.1, step: 0.1}   # then the nearest grid point ≥ min
///
/// With `step` h every delay is an integer multiple k h (k ≥ 1, computed as
/// Double(k) × h), the grid NEST keeps delays on at resolution h, so an
/// exported network can be simulated there with the same delays.
public enum SpikingDelay: Sendable, Equatable {
    case constant(Double)
    case uniform(Double, Double, step: Double?)
    case normal(mean: Double, sd: Double, min: Double, step: Double?)

    /// The smallest delay it can give (the slot width must not exceed it).
    public var minimum: Double {
        switch self {
        case .constant(let d): d
        case .uniform(let lo, _, let step): step.map { Self.onGrid(lo, $0, rounding: .up) } ?? lo
        case .normal(_, _, let lo, let step): step.map { Self.onGrid(lo, $0, rounding: .up) } ?? lo
        }
    }

    /// The longest delay it can give (the ring of slots must span it); a normal
    /// draw is unbounded, so mean + 10 sd stands for it (the ring is sized by the draws).
    public var maximum: Double {
        switch self {
        case .constant(let d): d
        case .uniform(_, let hi, let step): step.map { Self.onGrid(hi, $0, rounding: .down) } ?? hi
        case .normal(let mean, let sd, let lo, _): max(mean + 10 * sd, lo)
        }
    }

    /// The delays of `count` synapses in CSR order (nil when constant).
    func draw(count: Int, rng: inout RandomStream) -> [Double]? {
        switch self {
        case .constant: return nil
        case .uniform(let lo, let hi, let step?):
            let k0 = Self.steps(lo, step, rounding: .up), k1 = Self.steps(hi, step, rounding: .down)
            return (0..<count).map { _ in Double(k0 + rng.nextInt(below: k1 - k0 + 1)) * step }
        case .uniform(let lo, let hi, nil):
            return (0..<count).map { _ in lo + (hi - lo) * rng.nextUnit() }
        case .normal(let mean, let sd, let lo, let step):
            return (0..<count).map { _ in
                let d = max(mean + sd * rng.nextGaussian(), lo)
                // On the grid: the nearest point, but never below the smallest one ≥ min.
                return step.map { max(Self.onGrid(d, $0, rounding: .toNearestOrAwayFromZero), Self.onGrid(lo, $0, rounding: .up)) } ?? d
            }
        }
    }

    static func steps(_ d: Double, _ step: Double, rounding: FloatingPointRoundingRule) -> Int {
        // A hair of tolerance so that 0.3 / 0.1 counts as 3 steps.
        let k = d / step
        let r = (k - k.rounded()).magnitude < 1e-9 ? k.rounded() : k.rounded(rounding)
        return max(1, Int(r))
    }

    static func onGrid(_ d: Double, _ step: Double, rounding: FloatingPointRoundingRule) -> Double {
        Double(steps(d, step, rounding: rounding)) * step
    }

    /// Reads `delay:` (see the type's documentation).
    static func parse(_ node: SpecNode) throws -> SpikingDelay {
        let positive = 1e-6...1e9
        guard case .mapping = node.kind else { return .constant(try node.double(in: positive)) }
        try node.checkKeys(["uniform", "normal", "min", "step"])
        let expected = "a delay in ms, {uniform: [low, high]} or {normal: [mean, sd], min: m}, optionally with step: h"
        let kinds = try node.mapping().filter { ["uniform", "normal"].contains($0.key) }
        guard kinds.count == 1, let (key, args) = kinds.first.map({ ($0.key, $0.node) }) else { throw node.error(expected: expected) }
        let values = try args.sequence()
        guard values.count == 2 else { throw args.error(expected: "two numbers") }
        let step = try node["step"].map { try $0.double(in: positive) }
        if key == "uniform" {
            if node["min"] != nil { throw try node.require("min", "").error(expected: "no min with uniform (its low end is the minimum)") }
            let lo = try values[0].double(in: positive), hi = try values[1].double(in: lo...1e9)
            if let h = step, steps(lo, h, rounding: .up) > steps(hi, h, rounding: .down) {
                throw args.error(expected: "a range [\(lo), \(hi)] that holds a multiple of step \(h)")
            }
            return .uniform(lo, hi, step: step)
        }
        let mean = try values[0].double(in: -1e9...1e9), sd = try values[1].double(in: 0...1e9)
        let lo = try node.require("min", "a minimum delay (ms): normal draws below it are set to it").double(in: positive)
        return .normal(mean: mean, sd: sd, min: lo, step: step)
    }
}

extension SpikingDelay: CustomStringConvertible {
    public var description: String {
        func grid(_ step: Double?) -> String { step.map { " on a \($0) ms grid" } ?? "" }
        switch self {
        case .constant(let d): return "\(d)"
        case .uniform(let lo, let hi, let step): return "uniform in [\(lo), \(hi)]" + grid(step)
        case .normal(let m, let sd, let lo, let step): return "normal(\(m), \(sd)) ≥ \(lo)" + grid(step)
        }
    }
}
