import Foundation
import ReverieKernel
import ReverieSpec
import ReverieReport

/// `phase: dream` — Hebbian unlearning (docs/science.md §3; Hopfield, Feinstein &
/// Palmer 1983; Benedetti et al. 2022). D dreams, each a random start, free
/// zero-temperature relaxation to an exact fixed point s*, and the local
/// anti-Hebbian step `J_ij −= (ε/N) s*_i s*_j` with the ε of an `anti-hebbian`
/// rule. Every `measure_every` dreams it records the stabilities Δ_i^μ of a
/// pattern set (fraction of patterns that are fixed points, Δ_min, quantiles)
/// and, with `basin_overlaps`, the final overlap from each initial overlap m0.
/// Reports D_in, D_top and D_fin. `arithmetic: integer` dreams on exact integer
/// couplings J = (ε/N) K (`DreamArithmetic`), `float` on float couplings; `double`
/// (the default) is the engine's run bit for bit.
public struct DreamPhase: ProtocolPhase {
    public static let kind = "dream"
    public static let summary = "Hebbian unlearning: random start, relax to a fixed point, anti-Hebbian step; D_in/D_top/D_fin"

    let patterns: String
    let projection: String
    let rule: ModelSpec.Rule
    let schedule: UnlearningSchedule
    let arithmetic: DreamArithmetic
    /// Where the phase sits in the model file, for run-time errors.
    let path: String

    public var metrics: [String] { ["fraction_stable", "min_stability"] }

    public init(node: SpecNode, model: ModelSpec) throws {
        try node.checkKeys(["phase", "name", "patterns", "projection", "rule", "dreams", "measure_every", "check_every",
                            "stop_at_d_in", "basin_overlaps", "retrieval_threshold", "arithmetic"])
        let set = try BinaryFamily.patternSet(node.require("patterns", "the name of the pattern set to measure"), model: model)
        let proj = try BinaryFamily.recurrentProjection(node.require("projection", "the name of a projection"), on: set.population,
                                                        dense: true, model: model, what: "dreams update every synapse")
        let ruleNode = try node.require("rule", "the name of an anti-hebbian rule")
        let rule = try model.rule(ruleNode, acting: .fixedPoint)
        guard let epsilon = rule.parameters["epsilon"], epsilon > 0 else { throw rule.node.error(expected: "epsilon > 0") }
        try BinaryFamily.requireZeroTemperature(node, model: model, "dreams relax to exact fixed points")
        let dreams = try node.int("dreams", in: 1...1_000_000_000)
        var overlaps: [Double] = []
        for m in try node["basin_overlaps"]?.sequence() ?? [] { overlaps.append(try m.double(in: -1...1)) }
        patterns = set.name
        projection = proj.name
        self.rule = rule
        schedule = UnlearningSchedule(
            maxDreams: dreams, measureEvery: try node.int("measure_every", default: max(1, dreams / 20), in: 0...1_000_000_000),
            checkEvery: try node.int("check_every", default: 0, in: 0...1_000_000_000),
            stopAtAllStable: try node.bool("stop_at_d_in", default: false), basinOverlaps: overlaps,
            retrievalThreshold: try node.double("retrieval_threshold", default: 0.95, in: -1...1))
        arithmetic = DreamArithmetic(rawValue: try node.choice("arithmetic", DreamArithmetic.allCases.map(\.rawValue),
                                                               default: "double"))!
        path = node.path
    }

    public func run(_ context: RunContext) throws -> PhaseResult {
        let net = context.network(BinaryFamily.self)
        let k = net.projectionIndex(projection)!
        let set = context.patterns[patterns]!
        let n = net.populations[net.projections[k].post].size
        let epsilon = rule.parameters["epsilon"]!
        let dreaming = HebbianUnlearning(network: net, projection: k, epsilon: epsilon,
                                         noise: context.rng(phase: context.phaseIndex, "noise"), start: context.time)
        dreaming.arithmetic = arithmetic
        if arithmetic != .double {
            guard DreamBatch.eligible(net, projection: k) else {
                throw ModelError(file: context.model.file, path: path + ".arithmetic", expected: "double: \(arithmetic.rawValue) "
                                 + "arithmetic needs one population with one dense recurrent projection, random-sequential order, "
                                 + "no stimulus, link or export", found: arithmetic.rawValue)
            }
            dreaming.integerFallback = false
        }
        var probe = context.rng(phase: context.phaseIndex, "basins")
        var columns = ["dreams", "dreams_eps_over_n", "fraction_stable", "min_stability", "mean_stability",
                       "stability_q05", "stability_median", "stability_q95", "flips_per_dream"]
        for m0 in schedule.basinOverlaps { columns += ["overlap_from_\(m0)", "retrieved_from_\(m0)"] }
        var table = ResultTable(columns: columns)
        let summary: UnlearningSummary
        do {
            summary = try dreaming.run(schedule, patterns: set, probe: &probe) { r in
                var row = [Double(r.dreams), r.scaledDreams, r.fractionStable, r.minimumStability, r.meanStability]
                row += r.stabilityQuantiles + [r.flipsPerDream]
                for b in r.basins { row += [b.meanFinalOverlap, b.fractionRetrieved] }
                table.append(row)
                context.time = dreaming.now  // measurements are stamped with the dreams' clock
                context.emitMetric("fraction_stable", item: r.dreams, value: r.fractionStable)
                context.emitMetric("min_stability", item: r.dreams, value: r.minimumStability)
                context.progress(Double(r.dreams) / Double(schedule.maxDreams))
            }
        } catch is IntegerCouplingsError {
            throw ModelError(file: context.model.file, path: path + ".arithmetic", expected: "couplings that are integer "
                             + "multiples of ε/N = \(epsilon / Double(n)) (Hebbian storage with η = 1 and 1/ε an integer) "
                             + "and N · (max |J| N/ε + dreams) < 2³¹", found: "integer")
        } catch let e as RelaxationError {
            throw ModelError(file: context.model.file, path: path, expected: "dreams that reach fixed points", found: e.description)
        }
        context.time = dreaming.now
        let last = summary.records.last!
        var values: [(key: String, value: Double)] = [
            ("dreams", Double(summary.dreams)), ("epsilon", epsilon), ("patterns", Double(set.count)),
            ("fraction_stable", last.fractionStable), ("min_stability", last.minimumStability),
            ("flips_per_dream", Double(dreaming.dreamFlips) / Double(max(summary.dreams, 1))),
        ]
        func landmark(_ name: String, _ d: Int?) -> String {
            guard let d else { return "\(name) not reached" }
            values += [(name.lowercased(), Double(d)), (name.lowercased() + "_eps_over_n", Double(d) * epsilon / Double(n))]
            return String(format: "%@ = %ld (D·ε/N = %.4f)", name, d, Double(d) * epsilon / Double(n))
        }
        let marks = [landmark("D_in", summary.dIn), landmark("D_top", summary.dTop), landmark("D_fin", summary.dFin)]
        return PhaseResult(summary: values, table: table, lines: [
            String(format: "%ld dreams (ε = %g, N = %ld, α = %.3f): %@", summary.dreams, epsilon, n,
                   Double(set.count) / Double(n), marks.joined(separator: ", ")),
            String(format: "at the end: fraction of patterns that are fixed points %.3f, Δ_min %.4f, %.1f flips per dream",
                   last.fractionStable, last.minimumStability, Double(dreaming.dreamFlips) / Double(max(summary.dreams, 1))),
        ])
    }
}
