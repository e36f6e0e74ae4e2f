import ArgumentParser
import Foundation
import ReverieKernel
import ReverieModels
import ReverieReport

/// Sleeping from examples (docs/science.md §4). Three tables:
/// - the minimum number of examples M per archetype needed to retrieve the
///   archetypes (never shown) against the sleep time t, at fixed α and r;
/// - retrieval of the archetypes against α for t = 0 (Hebbian) and a large t;
/// - the distance between the local stochastic sleep and the closed form
///   against the number of probes.
/// Retrieval: start at each archetype, relax to a fixed point with J(t)
/// (J_ii = 0), and count it retrieved when the mean final overlap is at least
/// the threshold.
struct SleepExperiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sleep",
        abstract: "Examples needed vs sleep time, retrieval vs α with and without sleep, local vs closed-form sleep (docs/science.md §4).",
        discussion: "Writes <out>-min-examples.csv, <out>-alpha.csv and <out>-distance.csv with an SVG for each.")

    @Option(name: .customLong("n"), help: "Number of units N.")
    var size = 300

    @Option(help: "Load α = P/N for the M-vs-t curve.")
    var alpha = 0.1

    @Option(help: "Example quality r.")
    var quality = 0.3

    @Option(parsing: .upToNextOption, help: "Sleep times t.")
    var sleepTimes: [Double] = [0, 0.3, 1, 3, 10, 30, 100, 1000]

    @Option(parsing: .upToNextOption, help: "Examples per archetype M to try, increasing.")
    var examples: [Int] = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 130, 160, 200, 250, 300, 400, 500]

    @Option(parsing: .upToNextOption, help: "Loads α for the retrieval-vs-α curve.")
    var alphas: [Double] = [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]

    @Option(help: "Examples per archetype M for the retrieval-vs-α curve.")
    var alphaExamples = 100

    @Option(help: "The large sleep time of the retrieval-vs-α curve.")
    var largeSleepTime = 1000.0

    @Option(help: "Mean final overlap that counts as retrieval.")
    var threshold = 0.9

    @Option(name: .customLong("distance-n"), help: "N for the stochastic-vs-closed-form distance.")
    var distanceSize = 100

    @Option(parsing: .upToNextOption, help: "Probe counts for the distance curve.")
    var probes: [Int] = [4000, 16000, 64000, 256000]

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    @Option(help: "Output stem: <out>-min-examples.csv, <out>-alpha.csv, <out>-distance.csv (+ .svg).")
    var out = "results/sleep"

    func validate() throws {
        guard size >= 10, distanceSize >= 4 else { throw ValidationError("--n must be at least 10 and --distance-n at least 4") }
        guard quality > 0 && quality <= 1 else { throw ValidationError("--quality must lie in (0, 1]") }
        guard sleepTimes.allSatisfy({ $0 >= 0 }), largeSleepTime >= 0 else { throw ValidationError("sleep times must be non-negative") }
        guard !examples.isEmpty, examples.allSatisfy({ $0 >= 1 }), alphaExamples >= 1 else { throw ValidationError("example counts must be positive") }
        guard ([alpha] + alphas).allSatisfy({ $0 > 0 && $0 * Double(size) >= 0.5 && $0 * Double(size) < Double(size) }) else {
            throw ValidationError("loads must give between 1 and N − 1 patterns at N = \(size)")
        }
        guard probes.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--probes must be positive") }
    }

    /// Mean final overlap with the archetypes from the archetypes themselves.
    func retrieval(_ set: ExampleSet, sleepTime t: Double, seed s: UInt64) throws -> Double {
        guard let j = SleepFromExamples(examples: set).closedForm(sleepTime: t) else { return .nan }
        let net = BinaryNetwork(populations: [("memory", set.archetypes.size)], dynamics: BinaryDynamics(), rng: RandomStream(seed: s, stream: 7))
        net.connect("recurrent", from: 0, to: 0, synapses: .dense(SleepFromExamples.withoutDiagonal(j)), skipSelf: true)
        var rng = RandomStream(seed: s, stream: 8)
        return try BasinMeasure(network: net, population: 0, patterns: set.archetypes, initialOverlaps: [1],
                                retrievalThreshold: threshold, maxEvents: 1000 * set.archetypes.size, rng: &rng).points[0].meanFinalOverlap
    }

    func examples(alpha a: Double, m: Int, n: Int) -> ExampleSet {
        var rng = RandomStream(seed: seed, stream: UInt64((a * 1000).rounded()))
        let xi = PatternSet.random(count: max(1, Int((a * Double(n)).rounded())), size: n, rng: &rng)
        var ex = RandomStream(seed: seed, stream: 100_000 + UInt64(m))
        return ExampleSet(archetypes: xi, perArchetype: m, quality: quality, rng: &ex)
    }

    func run() throws {
        let dirPath = (out as NSString).deletingLastPathComponent
        let dir = try OutputDirectory(dirPath.isEmpty ? "." : dirPath)
        let stem = (out as NSString).lastPathComponent

        // 1. Minimum M vs t.
        var minTable = ResultTable(columns: ["N", "alpha", "quality", "sleep_time", "min_examples", "entropy_at_min", "overlap_at_min"])
        print(String(format: "minimum M to retrieve the archetypes (mean final overlap ≥ %.2f), N = %ld, α = %.2f, r = %.2f", threshold, size, alpha, quality))
        print("  sleep time   min M        ρ   overlap")
        for t in sleepTimes {
            var found: (m: Int, overlap: Double, rho: Double)?
            for m in examples {
                let set = examples(alpha: alpha, m: m, n: size)
                let overlap = try retrieval(set, sleepTime: t, seed: seed)
                if overlap >= threshold { found = (m, overlap, set.entropy); break }
            }
            minTable.append([Double(size), alpha, quality, t, Double(found?.m ?? -1), found?.rho ?? .nan, found?.overlap ?? .nan])
            print(String(format: "%11g  %6@  %7.3f  %8.4f", t, found.map { "\($0.m)" } ?? "> \(examples.last!)", found?.rho ?? .nan, found?.overlap ?? .nan))
        }
        try dir.write(minTable.csv, to: stem + "-min-examples.csv")
        let reached = zip(minTable.column("sleep_time"), minTable.column("min_examples")).filter { $0.1 > 0 }
        try dir.write(SVGLinePlot(title: String(format: "Examples needed, N = %ld, α = %.2f, r = %.2f", size, alpha, quality),
                                  xLabel: "log10(1 + t)", yLabel: "minimum M per archetype",
                                  series: [.init(name: "min M", points: reached.map { (log10(1 + $0.0), $0.1) })]).render(),
                      to: stem + "-min-examples.svg")

        // 2. Retrieval vs α, t = 0 and large t.
        var alphaTable = ResultTable(columns: ["N", "alpha", "quality", "examples_per_archetype", "entropy", "overlap_t0", "overlap_large_t", "large_t"])
        print(String(format: "retrieval vs α, M = %ld, r = %.2f: mean final overlap at t = 0 and t = %g", alphaExamples, quality, largeSleepTime))
        for a in alphas {
            let set = examples(alpha: a, m: alphaExamples, n: size)
            let o0 = try retrieval(set, sleepTime: 0, seed: seed), o1 = try retrieval(set, sleepTime: largeSleepTime, seed: seed)
            alphaTable.append([Double(size), a, quality, Double(alphaExamples), set.entropy, o0, o1, largeSleepTime])
            print(String(format: "  α = %.3f  t = 0: %.4f   t = %g: %.4f", a, o0, largeSleepTime, o1))
        }
        try dir.write(alphaTable.csv, to: stem + "-alpha.csv")
        try dir.write(SVGLinePlot(title: String(format: "Archetype retrieval, N = %ld, M = %ld, r = %.2f", size, alphaExamples, quality),
                                  xLabel: "load α", yLabel: "mean final overlap with the archetypes",
                                  series: [.init(name: "t = 0 (Hebb)", points: zip(alphas, alphaTable.column("overlap_t0")).map { ($0.0, $0.1) }),
                                           .init(name: "t = \(ResultTable.format(largeSleepTime))", points: zip(alphas, alphaTable.column("overlap_large_t")).map { ($0.0, $0.1) })],
                                  yRange: 0...1).render(),
                      to: stem + "-alpha.svg")

        // 3. Local stochastic sleep vs the closed form.
        var distTable = ResultTable(columns: ["N", "alpha", "quality", "examples_per_archetype", "sleep_time", "probes", "distance"])
        let t = sleepTimes.filter { $0 > 0 }.sorted().dropFirst(sleepTimes.count / 2).first ?? 10
        let set = examples(alpha: alpha, m: alphaExamples, n: distanceSize)
        let sleep = SleepFromExamples(examples: set)
        guard let exact = sleep.closedForm(sleepTime: t) else { throw OutputError("singular kernel at t = \(t)") }
        print(String(format: "local stochastic sleep vs closed form, N = %ld, α = %.2f, t = %g", distanceSize, alpha, t))
        for k in probes {
            var rng = RandomStream(seed: seed, stream: 9)
            let d = StochasticSleep.relativeDistance(sleep.stochastic(sleepTime: t, probes: k, rng: &rng), to: exact)
            distTable.append([Double(distanceSize), alpha, quality, Double(alphaExamples), t, Double(k), d])
            print(String(format: "  %8ld probes: relative distance %.4f%@", k, d, d.isFinite ? "" : " (diverged: too few probes for this N)"))
        }
        try dir.write(distTable.csv, to: stem + "-distance.csv")
        try dir.write(SVGLinePlot(title: String(format: "Local sleep vs closed form, N = %ld, t = %g", distanceSize, t),
                                  xLabel: "log10(probes)", yLabel: "‖J_local − J(t)‖ / ‖J(t)‖",
                                  series: [.init(name: "distance", points: zip(probes, distTable.column("distance")).map { (log10(Double($0.0)), $0.1) })]).render(),
                      to: stem + "-distance.svg")
        print("wrote \(dir.url.path)/\(stem)-{min-examples,alpha,distance}.{csv,svg}")
    }
}
