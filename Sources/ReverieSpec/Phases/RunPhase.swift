import Foundation
import ReverieKernel
import ReverieModels

/// `phase: run` — free dynamics from the current or a random state, for a
/// duration, until a fixed point, or until the state has |overlap| ≥ `until_overlap`
/// with some pattern of `patterns`; reports energy and overlaps with the patterns.
/// In a model of spiking populations it simulates them for `duration` ms
/// (`SpikingRunOptions`).
public struct RunPhase: ProtocolPhase {
    public static let kind = "run"
    public static let summary = "free dynamics for a duration or until a fixed point (spiking models: for a duration)"

    let start: String
    let population: String?
    let duration: Double?
    let patterns: String?
    let untilOverlap: Double?
    let checkEvery: Int
    let spiking: SpikingRunOptions?

    public var metrics: [String] { spiking != nil ? [] : ["energy"] + (patterns == nil ? [] : ["overlap"]) }

    public init(node: SpecNode, model: ModelSpec) throws {
        if model.populations.contains(where: { $0.spiking != nil }) {
            spiking = try SpikingRunOptions(node: node, model: model)
            (start, population, duration, patterns, untilOverlap, checkEvery) = ("current", nil, spiking!.duration, nil, nil, 1)
            return
        }
        spiking = nil
        try node.checkKeys(["phase", "name", "start", "population", "duration", "patterns", "until_overlap", "check_every"])
        start = try node.choice("start", ["current", "random"], default: "current")
        population = try node["population"].map { try model.population($0).name }
        if start == "random" && population == nil { throw node.missing("population", "the population to randomise when start is random") }
        duration = try node["duration"]?.double(in: 0...1e15)
        if duration == nil, model.dynamics.temperature != .zero {
            throw node.missing("duration", "a duration (at nonzero temperature there is no fixed point to stop at)")
        }
        patterns = try node["patterns"].map { try model.patternSet($0).name }
        untilOverlap = try node["until_overlap"]?.double(in: -1...1)
        checkEvery = try node.int("check_every", default: 1, in: 1...Int.max)
        if untilOverlap != nil && patterns == nil { throw node.missing("patterns", "the pattern set that until_overlap refers to") }
    }

    public func run(_ context: RunContext) throws -> PhaseResult {
        if let spiking { return spiking.run(context) }
        let net = context.network
        if start == "random", let population {
            var rng = context.rng(phase: context.phaseIndex, "start")
            net.randomize(population: try context.populationIndex(population), rng: &rng)
        }
        let flips = net.flips, t0 = context.time
        var stop: ((BinaryNetwork) -> Bool)? = nil
        if let untilOverlap, let patterns, let set = context.patterns[patterns] {
            let pop = try context.populationIndex(context.model.patterns.first { $0.name == patterns }!.population)
            let all = (0..<set.count).map { set[$0] }
            stop = { net in all.contains { abs(net.overlap(with: $0, population: pop)) >= untilOverlap } }
        }
        let (reason, events) = context.relax(maxTime: duration ?? .infinity, checkEvery: checkEvery, stop: stop)
        context.emitMetric("energy", item: 0, value: net.energy)
        var summary: [(key: String, value: Double)] = [
            ("reached_fixed_point", reason == .quiescent ? 1 : 0), ("stopped_by_condition", reason == .condition ? 1 : 0),
            ("time", (context.time - t0).value),
            ("flips", Double(net.flips - flips)), ("events", Double(events)), ("energy", net.energy),
        ]
        var lines = [String(format: "stopped (%@) after t = %.4g, %ld flips, energy %.4f", reason.rawValue,
                            (context.time - t0).value, net.flips - flips, net.energy)]
        if let patterns, let set = context.patterns[patterns] {
            let pop = try context.populationIndex(context.model.patterns.first { $0.name == patterns }!.population)
            let overlaps = (0..<set.count).map { net.overlap(with: set[$0], population: pop) }
            for (mu, m) in overlaps.enumerated() { context.emitMetric("overlap", item: mu, value: m) }
            let best = overlaps.indices.max { abs(overlaps[$0]) < abs(overlaps[$1]) }!
            summary.append(("max_abs_overlap", abs(overlaps[best])))
            summary.append(("closest_pattern", Double(best)))
            lines.append(String(format: "closest pattern %ld with overlap %.4f", best, overlaps[best]))
        }
        return PhaseResult(summary: summary, lines: lines)
    }
}
