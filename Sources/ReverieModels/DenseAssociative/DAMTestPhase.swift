import Foundation
import ReverieKernel
import ReverieReport
import ReverieSpec

/// `phase: dam-test` — storage and retrieval in a dense associative memory
/// (docs/science.md §7). For each probed pattern ξ^ν of a set (all of them, or
/// `sample` drawn without replacement): the unstable units at σ = ξ^ν (ξ^ν is a
/// fixed point when there are none), then from a copy with round(ρN) units
/// flipped (ρ = `flipped_fraction`) the free dynamics relax through the engine
/// to a fixed point (or `max_time`) and the final overlap q = ξ^ν·σ/N is read.
/// Reports the capacity scale K0 = N^{n−1}/(2n−3)!!, the load x = K/K0 and the
/// signal-to-noise prediction (`DAMSignalToNoise`) of the fixed-point fraction
/// and of the K (and x) at which it is 1/2.
public struct DAMTestPhase: ProtocolPhase {
    public static let kind = "dam-test"
    public static let summary = "dense associative memory: fixed points, unstable bits and retrieval from flipped bits of stored patterns"

    let patterns: String
    let sample: Int?
    let flippedFraction: Double
    let trials: Int
    let maxTime: Double
    let threshold: Double

    public var metrics: [String] { ["overlap"] }

    public init(node: SpecNode, model: ModelSpec) throws {
        try node.checkKeys(["phase", "name", "patterns", "sample", "flipped_fraction", "trials", "max_time", "retrieval_threshold"])
        patterns = try DenseAssociativeFamily.patternSet(node.require("patterns", "the name of a pattern set"), model: model).name
        sample = try node["sample"].map { try $0.int(in: 1...100_000_000) }
        flippedFraction = try node.double("flipped_fraction", default: 0, in: 0...1)
        trials = try node.int("trials", default: 1, in: 1...1_000_000)
        maxTime = try node.double("max_time", default: 1000, in: 0...1e15)
        threshold = try node.double("retrieval_threshold", default: 1, in: -1...1)
    }

    public func run(_ context: RunContext) throws -> PhaseResult {
        let net = context.network(DenseAssociativeFamily.self)
        let spec = context.model.part(DenseAssociativeFamily.self)!
        let set = context.patterns[patterns]!
        var pick = context.rng(phase: context.phaseIndex, "sample")
        var order = Array(0..<set.count)
        let probed = Swift.min(sample ?? set.count, set.count)
        for k in 0..<probed { order.swapAt(k, k + pick.nextInt(below: set.count - k)) }
        let indices = order[..<probed].sorted()
        var rng = context.rng(phase: context.phaseIndex, "corruption")
        var table = ResultTable(columns: ["pattern", "trial", "unstable_units", "pattern_is_fixed_point", "initial_overlap",
                                          "final_overlap", "flips", "reached_fixed_point"])
        var fixed = 0, unstable = 0, retrieved = 0, quiescent = 0
        var overlapSum = 0.0
        for (done, nu) in indices.enumerated() {
            let xi = set[nu]
            net.setState(xi)
            let bad = net.unstableCount
            unstable += bad
            if bad == 0 { fixed += 1 }
            for trial in 0..<trials {
                if flippedFraction > 0 { net.setState(set.corrupted(nu, initialOverlap: 1 - 2 * flippedFraction, rng: &rng)) }
                else if trial > 0 { net.setState(xi) }
                let q0 = net.overlap(with: xi), flips0 = net.flips
                let (reason, _) = context.advance(net, until: context.time + SimTime(maxTime))
                let q = net.overlap(with: xi)
                overlapSum += q
                if q >= threshold { retrieved += 1 }
                if reason == .quiescent { quiescent += 1 }
                context.emitMetric("overlap", item: nu, value: q)
                table.append([Double(nu), Double(trial), Double(bad), bad == 0 ? 1 : 0, q0, q, Double(net.flips - flips0),
                              reason == .quiescent ? 1 : 0])
            }
            context.progress(Double(done + 1) / Double(probed))
        }
        let runs = Double(probed * trials), k = Double(set.count)
        var summary: [(key: String, value: Double)] = [
            ("memories", Double(net.memoryCount)), ("units", Double(net.size)), ("patterns", k), ("probed", Double(probed)),
            ("fraction_fixed_points", Double(fixed) / Double(probed)),
            ("fraction_unstable_bits", Double(unstable) / Double(probed * net.size)),
            ("flipped_fraction", flippedFraction), ("mean_final_overlap", overlapSum / runs),
            ("fraction_retrieved", Double(retrieved) / runs), ("fraction_reached_fixed_point", Double(quiescent) / runs),
        ]
        let snr = DAMSignalToNoise(interaction: net.interaction, units: net.size, scale: net.scale)
        summary.append(("predicted_fraction_fixed_points", snr.fractionFixedPoints(memories: net.memoryCount)))
        summary.append(("predicted_half_memories", snr.halfFixedMemories))
        if let k0 = spec.capacityScale {
            summary += [("capacity_scale", k0), ("load", Double(net.memoryCount) / k0), ("predicted_half_load", snr.halfFixedMemories / k0)]
        }
        return PhaseResult(summary: summary, table: table, lines: [
            String(format: "K = %ld memories of N = %ld (%@, n = %@), %ld probed: fixed points %.3f, unstable bits %.4f; from ρ = %.3f: mean final overlap %.4f, retrieved (q ≥ %.2f) %.3f",
                   net.memoryCount, net.size, net.interaction.name, net.interaction.degree.map(String.init) ?? "-", probed,
                   Double(fixed) / Double(probed), Double(unstable) / Double(probed * net.size), flippedFraction,
                   overlapSum / runs, threshold, Double(retrieved) / runs),
        ])
    }
}
