import ArgumentParser
import Foundation
import ReverieKernel
import ReverieModels
import ReverieReport

/// Hebbian unlearning across loads (docs/science.md §3): for each α, store P = αN random
/// patterns with Hebbian couplings, dream with rate ε and record, every k dreams,
/// the fraction of patterns that are fixed points, Δ_min and the basins at m0;
/// tabulate D_in, D_top and D_fin on the D·ε/N scale.
struct UnlearningExperiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlearning",
        abstract: "Sweep α and record fraction-stable vs D·ε/N and D_in/D_top/D_fin (docs/science.md §3).",
        discussion: """
        Writes the curves to --out (one row per α and record), the landmarks beside it \
        (<name>-landmarks.csv), and SVG plots of both.
        """)

    @Option(name: .customLong("n"), help: "Number of units N.")
    var size = 500

    @Option(parsing: .upToNextOption, help: "Loads α = P/N to sweep.")
    var alphas: [Double] = [0.2, 0.3, 0.4, 0.5, 0.6]

    @Option(help: "Unlearning rate ε.")
    var epsilon = 0.01

    @Option(help: "Dream up to D·ε/N = this.")
    var maxScaled = 1.0

    @Option(help: "Record every k dreams (default: D·ε/N steps of 0.005).")
    var measureEvery: Int?

    @Option(parsing: .upToNextOption, help: "Initial overlaps m0 for basins (D_top); none with an empty list.")
    var basinOverlaps: [Double] = [0.8]

    @Option(help: "Update order of the dynamics.")
    var order = "random-sequential"

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    @Option(help: "Output CSV (SVGs and the landmarks CSV are written beside it).")
    var out = "results/unlearning.csv"

    func validate() throws {
        guard size >= 10 else { throw ValidationError("--n must be at least 10") }
        guard epsilon > 0, maxScaled > 0 else { throw ValidationError("--epsilon and --max-scaled must be positive") }
        guard alphas.allSatisfy({ $0 > 0 && $0 * Double(size) >= 0.5 }) else {
            throw ValidationError("--alphas must be positive and give at least one pattern at N = \(size)")
        }
        guard basinOverlaps.allSatisfy({ (-1...1).contains($0) }) else { throw ValidationError("--basin-overlaps must lie in -1...1") }
        guard (measureEvery ?? 1) >= 1 else { throw ValidationError("--measure-every must be positive") }
        guard UpdateOrder(rawValue: order) != nil else {
            throw ValidationError("--order must be one of " + UpdateOrder.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() throws {
        let n = Double(size)
        let every = measureEvery ?? max(1, Int((0.005 * n / epsilon).rounded()))
        var curves = ResultTable(columns: ["N", "alpha", "epsilon", "dreams", "dreams_eps_over_n", "fraction_stable", "min_stability",
                                           "mean_stability", "flips_per_dream"] + basinOverlaps.map { "overlap_from_\($0)" })
        var marks = ResultTable(columns: ["N", "alpha", "P", "epsilon", "d_in", "d_in_eps_over_n", "d_top", "d_top_eps_over_n",
                                          "d_fin", "d_fin_eps_over_n", "dreams", "seconds"])
        print("    N  alpha    P  D_in·ε/N  D_top·ε/N  D_fin·ε/N   dreams  seconds")
        for (k, alpha) in alphas.enumerated() {
            var rng = RandomStream(seed: seed, stream: 1 + 16 * UInt64(k))
            let patterns = PatternSet.random(count: max(1, Int((alpha * n).rounded())), size: size, rng: &rng)
            let net = BinaryNetwork(populations: [("memory", size)], dynamics: BinaryDynamics(order: UpdateOrder(rawValue: order)!),
                                    rng: RandomStream(seed: seed, stream: 2 + 16 * UInt64(k)))
            net.connect("recurrent", from: 0, to: 0, synapses: .dense(patterns.hebbianCouplings()), skipSelf: true)
            let dreaming = HebbianUnlearning(network: net, projection: 0, epsilon: epsilon,
                                             noise: RandomStream(seed: seed, stream: 3 + 16 * UInt64(k)))
            var probe = RandomStream(seed: seed, stream: 4 + 16 * UInt64(k))
            let schedule = UnlearningSchedule(maxDreams: Int((maxScaled * n / epsilon).rounded()), measureEvery: every,
                                              basinOverlaps: basinOverlaps)
            let t0 = Date()
            let summary = try dreaming.run(schedule, patterns: patterns, probe: &probe) { r in
                curves.append([n, alpha, epsilon, Double(r.dreams), r.scaledDreams, r.fractionStable, r.minimumStability,
                               r.meanStability, r.flipsPerDream] + r.basins.map(\.meanFinalOverlap))
            }
            let seconds = Date().timeIntervalSince(t0)
            func scaled(_ d: Int?) -> Double { d.map { Double($0) * epsilon / n } ?? .nan }
            marks.append([n, alpha, Double(patterns.count), epsilon, summary.dIn.map(Double.init) ?? .nan, scaled(summary.dIn),
                          summary.dTop.map(Double.init) ?? .nan, scaled(summary.dTop), summary.dFin.map(Double.init) ?? .nan,
                          scaled(summary.dFin), Double(summary.dreams), seconds])
            print(String(format: "%5ld  %.3f %4ld  %8.4f  %9.4f  %9.4f  %7ld  %7.1f", size, alpha, patterns.count, scaled(summary.dIn),
                         scaled(summary.dTop), scaled(summary.dFin), summary.dreams, seconds))
        }
        let dirPath = (out as NSString).deletingLastPathComponent
        let dir = try OutputDirectory(dirPath.isEmpty ? "." : dirPath)
        let stem = ((out as NSString).lastPathComponent as NSString).deletingPathExtension
        try dir.write(curves.csv, to: stem + ".csv")
        try dir.write(marks.csv, to: stem + "-landmarks.csv")
        let series = alphas.map { a in
            SVGLinePlot.Series(name: String(format: "α = %.2f", a), points: zip(curves.column("alpha"), zip(curves.column("dreams_eps_over_n"), curves.column("fraction_stable")))
                .filter { $0.0 == a }.map { ($0.1.0, $0.1.1) })
        }
        try dir.write(SVGLinePlot(title: "Hebbian unlearning, N = \(size), ε = \(epsilon)", xLabel: "D·ε/N",
                                  yLabel: "fraction of patterns that are fixed points", series: series, yRange: 0...1).render(),
                      to: stem + ".svg")
        func landmark(_ column: String, _ label: String) -> SVGLinePlot.Series {
            .init(name: label, points: zip(marks.column("alpha"), marks.column(column)).map { ($0.0, $0.1) })
        }
        try dir.write(SVGLinePlot(title: "Unlearning landmarks, N = \(size), ε = \(epsilon)", xLabel: "load α", yLabel: "D·ε/N",
                                  series: [landmark("d_in_eps_over_n", "D_in"), landmark("d_top_eps_over_n", "D_top"),
                                           landmark("d_fin_eps_over_n", "D_fin")]).render(),
                      to: stem + "-landmarks.svg")
        print("wrote \(dir.url.path)/\(stem).csv, \(stem).svg, \(stem)-landmarks.csv, \(stem)-landmarks.svg")
    }
}
