import ArgumentParser
import Foundation
import ReverieKernel
import ReverieModels
import ReverieReport

/// PC-trained vs Hebbian retrieval on the same patterns (docs/science.md §5): a
/// predictive-coding network (value/error units, online training) and a
/// zero-temperature Hebbian Hopfield network store the same random patterns and
/// start from the same corrupted copies. Two sweeps: final overlap and Hamming
/// distance vs the number of flipped bits at one load, and vs the load at one
/// corruption.
struct PCExperiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pc",
        abstract: "Predictive-coding vs Hebbian Hopfield retrieval vs corruption and vs load (docs/science.md §5).",
        discussion: """
        For each repeat a fresh pattern set is drawn; both networks see the same patterns and the same \
        corrupted starting states. Writes one CSV row per (sweep, network, point, repeat) and two plots.
        """)

    @Option(name: .customLong("n"), help: "Number of neurons N.")
    var size = 100

    @Option(help: "Load α = P/N of the corruption sweep.")
    var alpha = 0.05

    @Option(parsing: .upToNextOption, help: "Flipped bits of the corruption sweep.")
    var flips: [Int] = [0, 5, 10, 15, 20, 25, 30, 35, 40]

    @Option(parsing: .upToNextOption, help: "Loads α of the load sweep.")
    var alphas: [Double] = [0.02, 0.05, 0.08, 0.10, 0.12, 0.14, 0.16, 0.20, 0.30, 0.40]

    @Option(help: "Flipped bits of the load sweep.")
    var loadFlips = 10

    @Option(help: "Independent pattern sets (seeds seed, seed+1, …).")
    var repeats = 3

    @Option(help: "PC integrator: event-driven or euler.")
    var integrator = PCIntegrator.eventDriven.rawValue

    @Option(help: "PC training epochs.")
    var epochs = PCOptions().epochs

    @Option(help: "Seconds each pattern is clamped during PC training.")
    var holdTime = PCOptions().holdTime

    @Option(help: "Seconds of free relaxation per PC recall.")
    var recallTime = PCOptions().recallTime

    @Option(help: "Send-on-delta threshold of the event-driven integrator.")
    var sendThreshold = PCOptions().sendThreshold

    @Option(help: "Base seed.")
    var seed: UInt64 = 1

    @Option(help: "Output CSV (plots are written beside it as <name>-corruption.svg and <name>-load.svg).")
    var out = "results/pc.csv"

    func validate() throws {
        guard size >= 4 else { throw ValidationError("--n must be at least 4") }
        guard repeats >= 1, epochs >= 1, holdTime > 0, recallTime > 0, sendThreshold > 0 else {
            throw ValidationError("--repeats, --epochs, --hold-time, --recall-time and --send-threshold must be positive")
        }
        guard PCIntegrator(rawValue: integrator) != nil else {
            throw ValidationError("--integrator must be one of " + PCIntegrator.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if PCIntegrator(rawValue: integrator) == .euler, options.dt >= options.maximumStableEulerStep(size: size) {
            throw ValidationError("Euler training diverges at N = \(size) with dt = \(options.dt) (needs dt < γ/(N + 1)); use the event-driven integrator")
        }
        guard (flips + [loadFlips]).allSatisfy({ (0...size).contains($0) }) else { throw ValidationError("flipped bits must be in 0...\(size)") }
        guard ([alpha] + alphas).allSatisfy({ $0 > 0 && $0 * Double(size) >= 0.5 }) else {
            throw ValidationError("loads must be positive and give at least one pattern at N = \(size)")
        }
    }

    var options: PCOptions {
        var o = PCOptions()
        o.integrator = PCIntegrator(rawValue: integrator)!
        o.epochs = epochs
        o.holdTime = holdTime
        o.recallTime = recallTime
        o.sendThreshold = sendThreshold
        return o
    }

    /// Mean final overlap, mean Hamming distance and fraction retrieved exactly, per network.
    struct Point { var overlap = 0.0, hamming = 0.0, retrieved = 0.0 }

    func run() throws {
        #if DEBUG
        print("warning: debug build; use `swift run -c release reverie experiment pc` (minutes faster)")
        #endif
        var table = ResultTable(columns: ["sweep", "network", "N", "alpha", "P", "flipped_bits", "repeat",
                                          "mean_final_overlap", "mean_hamming", "fraction_retrieved"])
        print("sweep       network   alpha    P  flips  repeat  overlap  hamming  retrieved")
        func record(_ sweep: String, _ alpha: Double, _ p: Int, _ k: Int, _ r: Int, _ pc: Point, _ hebb: Point) {
            for (name, pt) in [("pc", pc), ("hebbian", hebb)] {
                table.append([.text(sweep), .text(name), .number(Double(size)), .number(alpha), .number(Double(p)),
                              .number(Double(k)), .number(Double(r)), .number(pt.overlap), .number(pt.hamming), .number(pt.retrieved)])
                print(sweep.padding(toLength: 12, withPad: " ", startingAt: 0) + name.padding(toLength: 10, withPad: " ", startingAt: 0)
                      + String(format: "%5.3f  %3ld  %5ld  %6ld  %7.4f  %7.3f  %9.3f", alpha, p, k, r, pt.overlap, pt.hamming, pt.retrieved))
            }
        }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for r in 0..<repeats {
                let pair = trainPair(alpha: alpha, repeat: r)
                for k in flips {
                    let (pc, hebb) = compare(pair, flips: k, repeat: r)
                    record("corruption", alpha, pair.patterns.count, k, r, pc, hebb)
                }
            }
            for a in alphas {
                for r in 0..<repeats {
                    let pair = trainPair(alpha: a, repeat: r)
                    let (pc, hebb) = compare(pair, flips: loadFlips, repeat: r)
                    record("load", a, pair.patterns.count, loadFlips, r, pc, hebb)
                }
            }
        }
        let outDir = (out as NSString).deletingLastPathComponent
        let dir = try OutputDirectory(outDir.isEmpty ? "." : outDir)
        let name = (out as NSString).lastPathComponent, stem = (name as NSString).deletingPathExtension
        try dir.write(table.csv, to: name)
        try dir.write(plot(table, sweep: "corruption", x: "flipped_bits", xLabel: "flipped bits",
                           title: "Retrieval vs corruption, N = \(size), α = \(alpha)").render(), to: stem + "-corruption.svg")
        try dir.write(plot(table, sweep: "load", x: "alpha", xLabel: "load α = P/N",
                           title: "Retrieval vs load, N = \(size), \(loadFlips) flipped bits").render(), to: stem + "-load.svg")
        print("wrote \(out), \(stem)-corruption.svg and \(stem)-load.svg (\(elapsed))")
    }

    struct TrainedPair {
        var patterns: PatternSet
        var pc: PCNetwork
        var hebbian: BinaryNetwork
    }

    /// Draws P = round(αN) patterns for repeat r and stores them in both networks.
    func trainPair(alpha a: Double, repeat r: Int) -> TrainedPair {
        let p = max(1, Int((a * Double(size)).rounded()))
        var rng = RandomStream(seed: seed + UInt64(r), stream: 1)
        let patterns = PatternSet.random(count: p, size: size, rng: &rng)
        let pc = PCNetwork(size: size, options: options)
        pc.train(patterns, recordWeights: false)
        let hebbian = BinaryNetwork(populations: [("memory", size)], dynamics: BinaryDynamics(order: .randomSequential),
                                    rng: RandomStream(seed: seed + UInt64(r), stream: 2))
        hebbian.connect("recurrent", from: 0, to: 0, synapses: .dense(patterns.hebbianCouplings()), skipSelf: true)
        return TrainedPair(patterns: patterns, pc: pc, hebbian: hebbian)
    }

    /// Recalls every pattern from the same corrupted copy in both networks.
    func compare(_ pair: TrainedPair, flips k: Int, repeat r: Int) -> (pc: Point, hebbian: Point) {
        let set = pair.patterns
        var rng = RandomStream(seed: seed + UInt64(r), stream: 3 + UInt64(k))
        var pc = Point(), hebb = Point()
        for mu in 0..<set.count {
            let start = set.corrupted(mu, initialOverlap: 1 - 2 * Double(k) / Double(size), rng: &rng)
            pair.pc.recall(from: start)
            let hp = Double(pair.pc.hammingDistance(to: set[mu]))
            pc.overlap += pair.pc.overlap(with: set[mu]); pc.hamming += hp; pc.retrieved += hp == 0 ? 1 : 0

            pair.hebbian.setState(start, population: 0)
            var scheduler = Scheduler<BinaryNetwork.Message>()
            pair.hebbian.beginRelaxation(at: .zero)
            _ = scheduler.run(pair.hebbian, until: SimTime(1000))
            let m = pair.hebbian.overlap(with: set[mu], population: 0)
            let hh = (1 - m) * Double(size) / 2
            hebb.overlap += m; hebb.hamming += hh; hebb.retrieved += hh == 0 ? 1 : 0
        }
        let n = Double(set.count)
        for p in [\Point.overlap, \Point.hamming, \Point.retrieved] { pc[keyPath: p] /= n; hebb[keyPath: p] /= n }
        return (pc, hebb)
    }

    /// Mean over repeats of each network's final overlap and fraction retrieved exactly.
    func plot(_ table: ResultTable, sweep: String, x: String, xLabel: String, title: String) -> SVGLinePlot {
        let rows = table.rows.filter { $0[0] == .text(sweep) }
        let xk = table.columns.firstIndex(of: x)!
        var series: [SVGLinePlot.Series] = []
        for (network, label) in [("pc", "PC"), ("hebbian", "Hebbian")] {
            for (column, what) in [("mean_final_overlap", "overlap"), ("fraction_retrieved", "exact")] {
                let k = table.columns.firstIndex(of: column)!
                let mine = rows.filter { $0[1] == .text(network) }
                var xs: [Double] = []
                for row in mine { if case .number(let v) = row[xk], !xs.contains(v) { xs.append(v) } }
                let points = xs.map { xv -> (x: Double, y: Double) in
                    let ys = mine.filter { $0[xk] == .number(xv) }.compactMap { row -> Double? in
                        if case .number(let y) = row[k] { return y } else { return nil }
                    }
                    return (xv, ys.reduce(0, +) / Double(max(ys.count, 1)))
                }
                series.append(.init(name: "\(label): \(what)", points: points))
            }
        }
        return SVGLinePlot(title: title, xLabel: xLabel, yLabel: "overlap / fraction", series: series, yRange: 0...1)
    }
}
