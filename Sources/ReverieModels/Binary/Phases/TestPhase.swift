import Foundation
import ReverieKernel
import ReverieSpec
import ReverieReport

/// `phase: test` — retrieval (docs/science.md §2). For each pattern ξ^μ: note whether
/// ξ^μ itself is a fixed point, start from a copy with overlap m0, relax freely to
/// a fixed point (or `max_time`) and read the final overlap m^μ.
public struct TestPhase: ProtocolPhase {
    public static let kind = "test"
    public static let summary = "start near each pattern, relax to a fixed point, measure the overlap"

    let patterns: String
    let initialOverlap: Double
    let trials: Int
    let maxTime: Double
    let threshold: Double

    public var metrics: [String] { ["overlap"] }

    public init(node: SpecNode, model: ModelSpec) throws {
        try node.checkKeys(["phase", "name", "patterns", "initial_overlap", "trials", "max_time", "retrieval_threshold"])
        patterns = try BinaryFamily.patternSet(node.require("patterns", "the name of a pattern set"), model: model).name
        initialOverlap = try node.double("initial_overlap", default: 1, in: -1...1)
        trials = try node.int("trials", default: 1, in: 1...1_000_000)
        maxTime = try node.double("max_time", default: 1000, in: 0...1e15)
        threshold = try node.double("retrieval_threshold", default: 0.9, in: -1...1)
    }

    public func run(_ context: RunContext) throws -> PhaseResult {
        let net = context.network(BinaryFamily.self)
        let set = context.patterns[patterns]!
        let pop = net.populationIndex(context.model.patterns.first { $0.name == patterns }!.population)!
        var rng = context.rng(phase: context.phaseIndex, "corruption")
        var table = ResultTable(columns: ["pattern", "trial", "initial_overlap", "final_overlap", "pattern_is_fixed_point",
                                          "flips", "time", "reached_fixed_point"])
        var overlapSum = 0.0, retrieved = 0, fixedPoints = 0, quiescent = 0
        for mu in 0..<set.count {
            let xi = set[mu]
            net.setState(xi, population: pop)
            let isFixed = net.unstableCount == 0
            if isFixed { fixedPoints += 1 }
            for trial in 0..<trials {
                if initialOverlap < 1 { net.setState(set.corrupted(mu, initialOverlap: initialOverlap, rng: &rng), population: pop) }
                else if trial > 0 { net.setState(xi, population: pop) }
                let m0 = net.overlap(with: xi, population: pop)
                let flipsBefore = net.flips, t0 = context.time
                let (reason, _) = context.advance(net, until: context.time + SimTime(maxTime))
                let m = net.overlap(with: xi, population: pop)
                overlapSum += m
                if m >= threshold { retrieved += 1 }
                if reason == .quiescent { quiescent += 1 }
                context.emitMetric("overlap", item: mu, value: m)
                table.append([Double(mu), Double(trial), m0, m, isFixed ? 1 : 0, Double(net.flips - flipsBefore),
                              (context.time - t0).value, reason == .quiescent ? 1 : 0])
            }
            context.progress(Double(mu + 1) / Double(set.count))
        }
        let runs = Double(set.count * trials)
        let summary: [(key: String, value: Double)] = [
            ("patterns", Double(set.count)), ("initial_overlap", initialOverlap),
            ("mean_final_overlap", overlapSum / runs), ("fraction_retrieved", Double(retrieved) / runs),
            ("fraction_fixed_points", Double(fixedPoints) / Double(set.count)),
            ("fraction_reached_fixed_point", Double(quiescent) / runs),
        ]
        return PhaseResult(summary: summary, table: table, lines: [
            String(format: "%ld patterns from m0 = %.3f: mean final overlap %.4f, retrieved (m ≥ %.2f) %.3f, patterns that are fixed points %.3f",
                   set.count, initialOverlap, overlapSum / runs, threshold, Double(retrieved) / runs, Double(fixedPoints) / Double(set.count)),
        ])
    }
}
