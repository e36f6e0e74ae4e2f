import Foundation
import ReverieKernel
import ReverieSpec
import ReverieReport

/// `phase: sleep` — learning from examples and sleeping (docs/science.md §4; Fachechi,
/// Agliari & Barra 2019; Aquaro et al. 2022). The archetypes of a pattern set are
/// never shown: M examples per archetype with quality r are generated, stored
/// with the local Hebbian rule on each unit's example average, and the couplings
/// sleep for time t (t = ∞: the projector), (a) with the closed-form kernel J(t)
/// and/or (b) with the local probe-driven rule; the distance between (a) and (b)
/// is reported. The projection ends with the chosen couplings, J_ii zeroed unless
/// it keeps `self_connections`, and retrieval of the archetypes is measured from
/// initial overlap m0: at temperature 0 the network relaxes to a fixed point; at
/// a finite β (Glauber) it runs for `retrieval_time` and the overlap is read then.
public struct SleepPhase: ProtocolPhase {
    public static let kind = "sleep"
    public static let summary = "store examples of archetypes, sleep for time t (closed form and/or local probes), test the archetypes"

    enum Method: String, CaseIterable { case closedForm = "closed-form", stochastic, both }

    let archetypes: String
    let projection: String
    let examplesPerArchetype: Int
    let quality: Double
    let sampling: ExampleSet.Sampling
    let averaging: ExampleSet.Averaging
    let sleepTime: Double
    let method: Method
    let probes: Int
    let initialOverlap: Double
    let threshold: Double
    /// Time each retrieval runs at a finite temperature; nil at temperature 0 (to a fixed point).
    let retrievalTime: Double?
    /// Where the phase sits in the model file, for run-time errors.
    let path: String

    public var metrics: [String] { ["archetype_overlap"] }

    /// Spellings of t = ∞ in `sleep_time`.
    static let infinity = ["inf", ".inf", "infinity", "∞"]

    public init(node: SpecNode, model: ModelSpec) throws {
        try node.checkKeys(["phase", "name", "archetypes", "projection", "examples_per_archetype", "quality", "example_sampling",
                            "averages", "sleep_time", "method", "probes", "initial_overlap", "retrieval_threshold", "retrieval_time"])
        let set = try BinaryFamily.patternSet(node.require("archetypes", "the name of the pattern set of archetypes"), model: model)
        let proj = try BinaryFamily.recurrentProjection(node.require("projection", "the name of a projection"), on: set.population,
                                                        dense: true, model: model, what: "where the archetypes live")
        archetypes = set.name
        projection = proj.name
        examplesPerArchetype = try node.int("examples_per_archetype", in: 1...1_000_000)
        quality = try node.double("quality", in: 1e-6...1)
        sampling = ExampleSet.Sampling(rawValue: try node.choice("example_sampling", ExampleSet.Sampling.allCases.map(\.rawValue), default: "each"))!
        averaging = ExampleSet.Averaging(rawValue: try node.choice("averages", ExampleSet.Averaging.allCases.map(\.rawValue), default: "scaled"))!
        let t = try node.require("sleep_time", "a number ≥ 0, or inf")
        if case .scalar(let s) = t.kind, Self.infinity.contains(s.lowercased()) {
            sleepTime = .infinity
        } else {
            sleepTime = try t.double(in: 0...1e300, "a number ≥ 0, or inf (the projector rule)")
        }
        method = Method(rawValue: try node.choice("method", Method.allCases.map(\.rawValue), default: "closed-form"))!
        if method != .closedForm && sleepTime.isInfinite {
            throw t.error(expected: "a finite sleep time for method \(method.rawValue) (the local rule integrates up to t; t = ∞ is closed-form only)")
        }
        probes = try node.int("probes", default: 10_000, in: 1...1_000_000_000)
        initialOverlap = try node.double("initial_overlap", default: 1, in: -1...1)
        threshold = try node.double("retrieval_threshold", default: 0.9, in: -1...1)
        if model.part(BinaryFamily.self)!.dynamics.temperature == .zero {
            if let r = node["retrieval_time"] {
                throw r.error(expected: "no retrieval_time at temperature 0 (retrieval relaxes to a fixed point); it sets how long a finite-temperature retrieval runs")
            }
            retrievalTime = nil
        } else {
            guard let r = node["retrieval_time"] else {
                throw node.missing("retrieval_time", "the time each retrieval runs at a finite temperature before the overlap is read (time units of the dynamics)")
            }
            retrievalTime = try r.double(in: 1e-9...1e12)
        }
        path = node.path
    }

    public func run(_ context: RunContext) throws -> PhaseResult {
        let net = context.network(BinaryFamily.self)
        let k = net.projectionIndex(projection)!
        let pop = net.projections[k].post
        let xi = context.patterns[archetypes]!
        var rng = context.rng(phase: context.phaseIndex, "examples")
        let examples = ExampleSet(archetypes: xi, perArchetype: examplesPerArchetype, quality: quality, sampling: sampling, rng: &rng)
        let sleep = SleepFromExamples(examples: examples, averaging: averaging)
        var table = ResultTable(columns: ["method", "sleep_time", "examples_per_archetype", "quality", "entropy",
                                          "mean_final_overlap", "fraction_retrieved", "distance_to_closed_form"])
        var values: [(key: String, value: Double)] = [("entropy", examples.entropy)]
        if sleepTime.isFinite { values.append(("sleep_time", sleepTime)) }  // JSON has no ∞; the table says inf
        var lines = [String(format: "%ld archetypes × %ld examples (r = %.3f, ρ = %.4f), sleep time %g", xi.count,
                            examplesPerArchetype, quality, examples.entropy, sleepTime)]
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
        let zeroDiagonal = net.projections[k].skipSelf
        for c in candidates {
            net.setSynapses(.dense(zeroDiagonal ? SleepFromExamples.withoutDiagonal(c.weights) : c.weights), projection: k)
            let point = try retrieve(xi, on: net, population: pop, context, rng: &corruption)
            context.emitMetric("archetype_overlap", item: candidates.count == 1 || c.name == "closed-form" ? 0 : 1, value: point.meanFinalOverlap)
            table.append([.text(c.name), .number(sleepTime), .number(Double(examplesPerArchetype)), .number(quality),
                          .number(examples.entropy), .number(point.meanFinalOverlap), .number(point.fractionRetrieved),
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

    /// Retrieval of every archetype from overlap m0 on the run's clock: to a fixed
    /// point at temperature 0, else for `retrievalTime` of Glauber dynamics.
    func retrieve(_ xi: PatternSet, on net: BinaryNetwork, population pop: Int, _ context: RunContext,
                  rng: inout RandomStream) throws -> BasinMeasure.Point {
        guard let duration = retrievalTime else {
            do {
                net.resume(at: context.time)
                let point = try BasinMeasure(network: net, population: pop, patterns: xi, initialOverlaps: [initialOverlap],
                                             retrievalThreshold: threshold, maxEvents: 1000 * net.populations[pop].size, onClock: true,
                                             rng: &rng).points[0]
                context.time = net.now
                return point
            } catch let e as RelaxationError {
                throw ModelError(file: context.model.file, path: path, expected: "retrieval that reaches fixed points", found: e.description)
            }
        }
        var sum = 0.0, retrieved = 0
        for mu in 0..<xi.count {
            net.setState(xi.corrupted(mu, initialOverlap: initialOverlap, rng: &rng), population: pop)
            context.advance(net, until: context.time + SimTime(duration))
            let m = net.overlap(with: xi[mu], population: pop)
            sum += m
            if m >= threshold { retrieved += 1 }
        }
        let p = Double(max(xi.count, 1))
        return BasinMeasure.Point(initialOverlap: initialOverlap, meanFinalOverlap: sum / p, fractionRetrieved: Double(retrieved) / p)
    }
}
