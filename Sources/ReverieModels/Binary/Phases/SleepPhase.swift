import Foundation
import ReverieKernel
import ReverieSpec
import ReverieReport

/// `phase: sleep` — learning from examples and sleeping (docs/science.md §4; Fachechi,
/// Agliari & Barra 2019; Aquaro et al. 2022). The archetypes of a pattern set are
/// never shown: M examples per archetype with quality r are generated, stored
/// with the local Hebbian rule on each unit's example average, and the couplings
/// sleep for time t, (a) with the closed-form kernel J(t) and/or (b) with the
/// local probe-driven rule; the distance between (a) and (b) is reported. The
/// projection ends with the chosen couplings (J_ii = 0), and retrieval of the
/// archetypes is measured from initial overlap m0.
public struct SleepPhase: ProtocolPhase {
    public static let kind = "sleep"
    public static let summary = "store examples of archetypes, sleep for time t (closed form and/or local probes), test the archetypes"

    enum Method: String, CaseIterable { case closedForm = "closed-form", stochastic, both }

    let archetypes: String
    let projection: String
    let examplesPerArchetype: Int
    let quality: Double
    let sleepTime: Double
    let method: Method
    let probes: Int
    let initialOverlap: Double
    let threshold: Double
    /// Where the phase sits in the model file, for run-time errors.
    let path: String

    public var metrics: [String] { ["archetype_overlap"] }

    public init(node: SpecNode, model: ModelSpec) throws {
        try node.checkKeys(["phase", "name", "archetypes", "projection", "examples_per_archetype", "quality", "sleep_time",
                            "method", "probes", "initial_overlap", "retrieval_threshold"])
        let set = try BinaryFamily.patternSet(node.require("archetypes", "the name of the pattern set of archetypes"), model: model)
        let proj = try BinaryFamily.recurrentProjection(node.require("projection", "the name of a projection"), on: set.population,
                                                        dense: true, model: model, what: "where the archetypes live")
        try BinaryFamily.requireZeroTemperature(node, model: model, "retrieval relaxes to fixed points")
        archetypes = set.name
        projection = proj.name
        examplesPerArchetype = try node.int("examples_per_archetype", in: 1...1_000_000)
        quality = try node.double("quality", in: 1e-6...1)
        sleepTime = try node.double("sleep_time", in: 0...1e300)
        method = Method(rawValue: try node.choice("method", Method.allCases.map(\.rawValue), default: "closed-form"))!
        probes = try node.int("probes", default: 10_000, in: 1...1_000_000_000)
        initialOverlap = try node.double("initial_overlap", default: 1, in: -1...1)
        threshold = try node.double("retrieval_threshold", default: 0.9, in: -1...1)
        path = node.path
    }

    public func run(_ context: RunContext) throws -> PhaseResult {
        let net = context.network(BinaryFamily.self)
        let k = net.projectionIndex(projection)!
        let pop = net.projections[k].post
        let xi = context.patterns[archetypes]!
        var rng = context.rng(phase: context.phaseIndex, "examples")
        let sleep = SleepFromExamples(examples: ExampleSet(archetypes: xi, perArchetype: examplesPerArchetype, quality: quality, rng: &rng))
        var table = ResultTable(columns: ["method", "sleep_time", "examples_per_archetype", "quality", "entropy",
                                          "mean_final_overlap", "fraction_retrieved", "distance_to_closed_form"])
        var values: [(key: String, value: Double)] = [("entropy", sleep.examples.entropy), ("sleep_time", sleepTime)]
        var lines = [String(format: "%ld archetypes × %ld examples (r = %.3f, ρ = %.4f), sleep time %g", xi.count,
                            examplesPerArchetype, quality, sleep.examples.entropy, sleepTime)]
        var probeRng = context.rng(phase: context.phaseIndex, "probes")
        var corruption = context.rng(phase: context.phaseIndex, "corruption")
        var closed: DenseWeights?
        if method != .stochastic {
            guard let j = sleep.closedForm(sleepTime: sleepTime) else {
                throw ModelError(file: context.model.file, path: path + ".sleep_time", expected: "linearly independent example averages for t = ∞")
            }
            closed = j
        }
        var candidates: [(name: String, weights: DenseWeights, distance: Double?)] = []
        if let closed { candidates.append(("closed-form", closed, nil)) }
        if method != .closedForm {
            let j = sleep.stochastic(sleepTime: sleepTime, probes: probes, rng: &probeRng)
            guard j.weights.allSatisfy(\.isFinite) else {
                throw ModelError(file: context.model.file, path: path + ".probes",
                                 expected: "enough probes for the local sleep to stay stable (its step is ln(1 + t)/probes)",
                                 found: "\(probes) probes: the couplings diverged")
            }
            let d = closed.map { StochasticSleep.relativeDistance(j, to: $0) }
            if let d { values.append(("distance_to_closed_form", d)) }
            candidates.append(("stochastic", j, d))
        }
        for c in candidates {
            net.setSynapses(.dense(SleepFromExamples.withoutDiagonal(c.weights)), projection: k)
            let point: BasinMeasure.Point
            do {
                net.resume(at: context.time)
                point = try BasinMeasure(network: net, population: pop, patterns: xi, initialOverlaps: [initialOverlap],
                                         retrievalThreshold: threshold, maxEvents: 1000 * net.populations[pop].size, onClock: true,
                                         rng: &corruption).points[0]
                context.time = net.now
            } catch let e as RelaxationError {
                throw ModelError(file: context.model.file, path: path, expected: "retrieval that reaches fixed points", found: e.description)
            }
            context.emitMetric("archetype_overlap", item: candidates.count == 1 || c.name == "closed-form" ? 0 : 1, value: point.meanFinalOverlap)
            table.append([.text(c.name), .number(sleepTime), .number(Double(examplesPerArchetype)), .number(quality),
                          .number(sleep.examples.entropy), .number(point.meanFinalOverlap), .number(point.fractionRetrieved),
                          .number(c.distance ?? 0)])
            let prefix = candidates.count == 1 ? "" : c.name.replacingOccurrences(of: "-", with: "_") + "_"
            values += [(prefix + "mean_final_overlap", point.meanFinalOverlap), (prefix + "fraction_retrieved", point.fractionRetrieved)]
            var line = String(format: "%@: archetypes from m0 = %.2f: mean final overlap %.4f, retrieved (m ≥ %.2f) %.3f",
                              c.name, initialOverlap, point.meanFinalOverlap, threshold, point.fractionRetrieved)
            if let d = c.distance { line += String(format: "; distance to the closed form %.4f (%ld probes)", d, probes) }
            lines.append(line)
        }
        context.progress(1)
        return PhaseResult(summary: values, table: table, lines: lines)
    }
}
