import Foundation
import ReverieKernel
import ReverieSpec

/// The binary family's part of `phase: run`: start from the current or a
/// random state (`start`, `population`), stop early once the state has
/// |overlap| ≥ `until_overlap` with some pattern of `patterns`; report energy and
/// overlaps. Without `duration` the run ends at a fixed point, which needs zero
/// temperature.
struct BinaryRunOptions: FamilyRunOptions {
    static let keys = ["start", "population", "patterns", "until_overlap"]

    let start: String
    let population: String?
    let patterns: String?
    let patternPopulation: String?
    let untilOverlap: Double?

    var metrics: [String] { ["energy"] + (patterns == nil ? [] : ["overlap"]) }

    init(node: SpecNode, model: ModelSpec) throws {
        start = try node.choice("start", ["current", "random"], default: "current")
        population = try node["population"].map { try model.population($0, of: BinaryFamily.self).name }
        if start == "random" && population == nil { throw node.missing("population", "the population to randomise when start is random") }
        if node["duration"] == nil, model.part(BinaryFamily.self)!.dynamics.temperature != .zero {
            throw node.missing("duration", "a duration (at nonzero temperature there is no fixed point to stop at)")
        }
        let set = try node["patterns"].map { try model.patternSet($0) }
        patterns = set?.name
        patternPopulation = set?.population
        untilOverlap = try node["until_overlap"]?.double(in: -1...1)
        if untilOverlap != nil && patterns == nil { throw node.missing("patterns", "the pattern set that until_overlap refers to") }
    }

    func prepare(_ context: RunContext) throws {
        let net = context.network(BinaryFamily.self)
        if start == "random", let population {
            var rng = context.rng(phase: context.phaseIndex, "start")
            net.randomize(population: net.populationIndex(population)!, rng: &rng)
        }
    }

    func stopCondition(_ context: RunContext) throws -> (() -> Bool)? {
        guard let untilOverlap, let patterns, let set = context.patterns[patterns] else { return nil }
        let net = context.network(BinaryFamily.self)
        let pop = net.populationIndex(patternPopulation!)!
        let all = (0..<set.count).map { set[$0] }
        return { all.contains { abs(net.overlap(with: $0, population: pop)) >= untilOverlap } }
    }

    func report(_ context: RunContext, since: RunCounters, elapsed: SimTime, reason: StopReason,
                seconds: Double) throws -> (summary: [(key: String, value: Double)], lines: [String]) {
        let net = context.network(BinaryFamily.self)
        let done = net.counters - since
        context.emitMetric("energy", item: 0, value: net.energy)
        var summary: [(key: String, value: Double)] = [
            ("reached_fixed_point", reason == .quiescent ? 1 : 0), ("stopped_by_condition", reason == .condition ? 1 : 0),
            ("flips", Double(done.stateChanges)), ("events", Double(done.events)), ("energy", net.energy),
        ]
        var lines = [String(format: "stopped (%@) after t = %.4g, %ld flips, energy %.4f", reason.rawValue,
                            elapsed.value, done.stateChanges, net.energy)]
        if let patterns, let set = context.patterns[patterns] {
            let pop = net.populationIndex(patternPopulation!)!
            let overlaps = (0..<set.count).map { net.overlap(with: set[$0], population: pop) }
            for (mu, m) in overlaps.enumerated() { context.emitMetric("overlap", item: mu, value: m) }
            let best = overlaps.indices.max { abs(overlaps[$0]) < abs(overlaps[$1]) }!
            summary.append(("max_abs_overlap", abs(overlaps[best])))
            summary.append(("closest_pattern", Double(best)))
            lines.append(String(format: "closest pattern %ld with overlap %.4f", best, overlaps[best]))
        }
        return (summary, lines)
    }
}
