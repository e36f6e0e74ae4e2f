import ReverieKernel
import ReverieSpec
import ReverieReport

/// `phase: pc-test` — predictive-coding recall (docs/science.md §5): for each pattern
/// and trial, free the value units at `scale ·` (ξ^μ with `flipped_bits` units
/// flipped), errors at rest, relax for `recall_time` without learning, and compare
/// sign(v) with ξ^μ by Hamming distance and overlap.
public struct PCTestPhase: ProtocolPhase {
    public static let kind = "pc-test"
    public static let summary = "recall each pattern of a pc population from a corrupted copy; Hamming distance and overlap"

    let patterns: String
    let population: String
    let flippedBits: Int
    let trials: Int
    let recallTime: Double
    let settings: PCPhaseSettings

    public var metrics: [String] { ["overlap", "hamming"] }

    public init(node: SpecNode, model: ModelSpec) throws {
        try node.checkKeys(["phase", "name", "patterns", "flipped_bits", "trials", "recall_time"] + PCPhaseSettings.keys)
        let set = try PCPhaseSettings.patterns(node, model: model)
        patterns = set.name
        population = set.population
        let size = model.populations.first { $0.name == set.population }!.size
        flippedBits = try node.int("flipped_bits", default: 0, in: 0...size)
        trials = try node.int("trials", default: 1, in: 1...1_000_000)
        recallTime = try node.double("recall_time", default: PCOptions().recallTime, in: 1e-12...1e12)
        settings = try PCPhaseSettings(node: node)
    }

    public func run(_ context: RunContext) throws -> PhaseResult {
        let net = context.network(PredictiveCodingFamily.self).network(for: population)
        let set = context.patterns[patterns]!
        settings.apply(to: &net.options)
        net.options.recallTime = recallTime
        net.time = context.time
        var rng = context.rng(phase: context.phaseIndex, "corruption")
        let m0 = 1 - 2 * Double(flippedBits) / Double(set.size)
        var table = ResultTable(columns: ["pattern", "trial", "flipped_bits", "final_overlap", "hamming", "retrieved",
                                          "free_energy", "messages", "events"])
        var overlapSum = 0.0, hammingSum = 0, retrieved = 0
        let events0 = net.events
        for mu in 0..<set.count {
            for trial in 0..<trials {
                let start = set.corrupted(mu, initialOverlap: m0, rng: &rng)
                let (msg, ev) = (net.messages, net.events)
                net.recall(from: start)
                let m = net.overlap(with: set[mu]), h = net.hammingDistance(to: set[mu])
                overlapSum += m
                hammingSum += h
                if h == 0 { retrieved += 1 }
                context.time = net.time
                context.emitMetric("overlap", item: mu, value: m)
                context.emitMetric("hamming", item: mu, value: Double(h))
                table.append([Double(mu), Double(trial), Double(flippedBits), m, Double(h), h == 0 ? 1 : 0,
                              net.freeEnergy, Double(net.messages - msg), Double(net.events - ev)])
            }
            context.progress(Double(mu + 1) / Double(set.count))
        }
        let runs = Double(set.count * trials)
        return PhaseResult(
            summary: [("patterns", Double(set.count)), ("flipped_bits", Double(flippedBits)),
                      ("mean_final_overlap", overlapSum / runs), ("mean_hamming", Double(hammingSum) / runs),
                      ("fraction_retrieved", Double(retrieved) / runs), ("events", Double(net.events - events0))],
            table: table,
            lines: [String(format: "%ld patterns × %ld trials from %ld flipped bits (%@): mean final overlap %.4f, mean Hamming %.3f, retrieved exactly %.3f",
                           set.count, trials, flippedBits, net.options.integrator.rawValue, overlapSum / runs,
                           Double(hammingSum) / runs, Double(retrieved) / runs)])
    }
}
