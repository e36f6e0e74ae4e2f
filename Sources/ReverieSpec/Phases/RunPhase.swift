import Foundation
import ReverieKernel

/// `phase: run` — the free dynamics of every family of the model, for
/// `duration` (in the model's time unit) or, where every family can reach one,
/// until a fixed point. Each family adds its own keys and report
/// (`ModelFamily.runOptions`): binary units a random start, a stop at an
/// overlap, energy and overlaps; spiking units voltage and weight recording,
/// rates and CVs.
public struct RunPhase: ProtocolPhase {
    public static let kind = "run"
    public static let summary = "free dynamics for a duration or until a fixed point; each family adds its keys and report"

    let duration: Double?
    let checkEvery: Int
    /// Each family's options, with the family's index among the model's parts (and networks).
    let options: [(family: Int, options: any FamilyRunOptions)]

    public var metrics: [String] { options.flatMap(\.options.metrics) }

    public init(node: SpecNode, model: ModelSpec) throws {
        let present = model.parts.map { p in model.registry.families.first { $0.name == p.family }! }
        try node.checkKeys(["phase", "name", "duration", "check_every"] + present.flatMap(\.runKeys))
        duration = try node["duration"]?.double(in: 0...1e15)
        checkEvery = try node.int("check_every", default: 1, in: 1...Int.max)
        var options: [(family: Int, options: any FamilyRunOptions)] = []
        for (k, f) in present.enumerated() { if let o = try f.runOptions(node, model) { options.append((k, o)) } }
        self.options = options
    }

    public func run(_ context: RunContext) throws -> PhaseResult {
        for o in options { try o.options.prepare(context) }
        let stops = try options.compactMap { try $0.options.stopCondition(context) }
        let before = context.simulation.families.map(\.counters)
        let t0 = context.time
        let end = t0 + SimTime(duration ?? options.compactMap(\.options.duration).min() ?? .infinity)
        let started = Date()
        var reason = StopReason.quiescent
        var done: Set<Int> = []
        for k in context.simulation.families.indices where !done.contains(k) {
            done.formUnion(context.simulation.component(of: k))
            let control = AdvanceControl(checkEvery: checkEvery, stop: stops.isEmpty ? nil : { stops.contains { $0() } }) { t in
                if end.value.isFinite && end > t0 { context.progress((t - t0).value / (end - t0).value) }
            }
            context.time = t0
            let r = context.advance(context.simulation.families[k], until: end, control: control).reason
            if r != .quiescent { reason = r }
        }
        context.time = context.simulation.families.map(\.now).reduce(t0) { Swift.max($0, $1) }
        let seconds = Date().timeIntervalSince(started)
        var summary: [(key: String, value: Double)] = [("time", (context.time - t0).value)]
        var lines: [String] = []
        for (k, o) in options {
            let r = try o.report(context, since: before[k], elapsed: context.time - t0, reason: reason, seconds: seconds)
            summary += r.summary
            lines += r.lines
        }
        return PhaseResult(summary: summary, lines: lines)
    }
}
