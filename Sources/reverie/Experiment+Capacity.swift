import ArgumentParser
import Foundation
import ReverieReport
import ReverieSpec

/// Retrieval vs load α = P/N for Hebbian storage (docs/science.md §2): for each α,
/// store P = round(αN) random patterns with the model's learn phase, start at each
/// exact pattern and relax; report the fraction of patterns that are fixed points
/// and the mean final overlap.
struct CapacityExperiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Sweep the load α and tabulate Hebbian retrieval (docs/science.md §2).",
        discussion: """
        Uses a model file with one binary population, a learn phase and a test phase \
        (default models/hopfield-hebbian.yaml); the population size and the pattern count are \
        set per point. Writes one row per (α, repeat) and a plot.
        """)

    @Option(help: "Model file used as the template.")
    var model = "models/hopfield-hebbian.yaml"

    @Option(name: .customLong("n"), help: "Number of units N.")
    var size = 1000

    @Option(parsing: .upToNextOption, help: "Loads α = P/N to sweep.")
    var alphas: [Double] = [0.05, 0.10, 0.14, 0.16, 0.20]

    @Option(help: "Independent pattern sets per load (seeds seed, seed+1, …).")
    var repeats = 1

    @Option(help: "Base seed.")
    var seed: UInt64 = 1

    @Option(help: "Output CSV (an SVG is written beside it).")
    var out = "results/capacity.csv"

    func validate() throws {
        guard size >= 2 else { throw ValidationError("--n must be at least 2") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        guard alphas.allSatisfy({ $0 > 0 && $0 * Double(size) >= 0.5 }) else {
            throw ValidationError("--alphas must be positive and give at least one pattern at N = \(size)")
        }
    }

    func run() throws {
        var table = ResultTable(columns: ["N", "alpha", "P", "repeat", "fraction_fixed_points", "mean_final_overlap", "fraction_retrieved"])
        print("   N  alpha    P  repeat  fixed-points  mean-overlap  retrieved")
        for alpha in alphas {
            let p = max(1, Int((alpha * Double(size)).rounded()))
            for r in 0..<repeats {
                let spec: ModelSpec
                do {
                    let base = try ModelSpec.load(path: model)
                    guard let pop = base.populations.first, let set = base.patterns.first else {
                        throw ValidationError("\(model): expected a population and a pattern set")
                    }
                    spec = try ModelSpec.load(path: model, overrides: [
                        "populations.\(pop.name).size=\(size)", "patterns.\(set.name).count=\(p)"])
                } catch let e as ModelError { throw ValidationError(e.description) }
                let runner = try ModelRunner(model: spec, seed: seed + UInt64(r))
                _ = try runner.run()
                // The table of docs/science.md §2 starts every relaxation at the exact pattern.
                guard let test = runner.results.first(where: { $0.value("initial_overlap") == 1 }) else {
                    throw ValidationError("\(model): expected a test phase with initial_overlap: 1")
                }
                let row = [Double(size), alpha, Double(p), Double(r), test.value("fraction_fixed_points")!,
                           test.value("mean_final_overlap")!, test.value("fraction_retrieved")!]
                table.append(row)
                print(String(format: "%5ld  %.3f %5ld  %6ld  %12.3f  %12.4f  %9.3f", size, alpha, p, r, row[4], row[5], row[6]))
            }
        }
        let dir = try OutputDirectory((out as NSString).deletingLastPathComponent.isEmpty ? "." : (out as NSString).deletingLastPathComponent)
        let name = (out as NSString).lastPathComponent
        try dir.write(table.csv, to: name)
        func series(_ column: String, _ label: String) -> SVGLinePlot.Series {
            .init(name: label, points: alphas.map { a in
                let ys = zip(table.column("alpha"), table.column(column)).filter { $0.0 == a }.map(\.1)
                return (a, ys.reduce(0, +) / Double(max(ys.count, 1)))
            })
        }
        let plot = SVGLinePlot(title: "Hebbian retrieval, N = \(size)", xLabel: "load α = P/N", yLabel: "fraction / overlap",
                               series: [series("fraction_fixed_points", "patterns that are fixed points"),
                                        series("mean_final_overlap", "mean final overlap")], yRange: 0...1)
        let svgName = (name as NSString).deletingPathExtension + ".svg"
        try dir.write(plot.render(), to: svgName)
        print("wrote \(out) and \(svgName)")
    }
}
