import Foundation
import ReverieKernel
import ReverieSpec

/// The dense associative memory's part of `phase: run`: start from the current
/// or a uniformly random visible state (`start`, every unit free), relax, and
/// report the energy. Without `duration` the run ends at a fixed point, which
/// synchronous updates need not reach (they may cycle), so they need a duration.
struct DAMRunOptions: FamilyRunOptions {
    static let keys = ["start"]

    let start: String

    var metrics: [String] { ["energy"] }

    init(node: SpecNode, model: ModelSpec) throws {
        start = try node.choice("start", ["current", "random"], default: "current")
        if node["duration"] == nil, model.part(DenseAssociativeFamily.self)!.unit.update == .synchronous {
            throw node.missing("duration", "a duration (synchronous updates may cycle instead of reaching a fixed point)")
        }
    }

    func prepare(_ context: RunContext) throws {
        guard start == "random" else { return }
        var rng = context.rng(phase: context.phaseIndex, "start")
        context.network(DenseAssociativeFamily.self).randomize(rng: &rng)
    }

    func report(_ context: RunContext, since: RunCounters, elapsed: SimTime, reason: StopReason,
                seconds: Double) throws -> (summary: [(key: String, value: Double)], lines: [String]) {
        let net = context.network(DenseAssociativeFamily.self)
        let done = net.counters - since
        context.emitMetric("energy", item: 0, value: net.energy)
        return ([("reached_fixed_point", reason == .quiescent ? 1 : 0), ("flips", Double(done.stateChanges)),
                 ("unstable_units", Double(net.unstableCount)), ("energy", net.energy)],
                [String(format: "stopped (%@) after t = %.4g, %ld flips, energy %.6g", reason.rawValue, elapsed.value,
                        done.stateChanges, net.energy)])
    }
}
