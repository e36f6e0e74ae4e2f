import Foundation
import ReverieKernel
import ReverieReport
import ReverieSpec

/// `phase: dam-tasks` — sequential learning in a dense associative memory
/// (McAlister, Robins & Szymanski 2024; docs/science.md §7). Task t is the data
/// set with its inputs permuted by a fixed random permutation π_t (task 0
/// unpermuted unless `permute_first`); the tasks are learned one after the
/// other with `DAMTrainer` and the selected `method` (`ContinualMethods`).
/// After task t the accuracy R[t][k] on every task's test set is measured, and
///
///     average accuracy A_t = (1/(t+1)) Σ_{k≤t} R[t][k],
///     backward transfer BWT = (1/(T−1)) Σ_{k<T−1} (R[T−1][k] − R[k][k]),
///     forgetting = (1/(T−1)) Σ_{k<T−1} (max_{t<T−1} R[t][k] − R[T−1][k]),
///     learning accuracy = (1/T) Σ_k R[k][k] (plasticity).
///
/// Streams: "permutations", "training", "method:<t>" of the phase.
public struct DAMTasksPhase: ProtocolPhase {
    public static let kind = "dam-tasks"
    public static let summary = "dense associative memory: tasks learned in sequence with a method; accuracy matrix, BWT, forgetting"

    let data: DAMDataSource
    let tasks: Int
    let permuteFirst: Bool
    let method: any ContinualMethod
    let settings: DAMTrainer.Settings
    let readout: DAMClassifier
    let maxEvents: Int
    let path: String

    public var metrics: [String] { ["average_accuracy"] }

    public init(node: SpecNode, model: ModelSpec) throws {
        try node.checkKeys(["phase", "name", "tasks", "permute_first", "method", "readout", "max_events"]
                           + DAMDataSource.keys + DAMTrainer.Settings.keys)
        data = try DAMDataSource(node: node, model: model)
        tasks = try node.int("tasks", default: 5, in: 1...1000)
        permuteFirst = try node.bool("permute_first", default: false)
        method = try node["method"].map { try ContinualMethods.parse($0) } ?? NaiveMethod()
        settings = try DAMTrainer.Settings(node: node)
        readout = DAMClassifier(rawValue: try node.choice("readout", DAMClassifier.allCases.map(\.rawValue), default: "one-step"))!
        maxEvents = try node.int("max_events", default: 100_000, in: 1...Int.max)
        path = node.path
    }

    public func run(_ context: RunContext) throws -> PhaseResult {
        do { return try learn(context) } catch let e as RelaxationError {
            throw ModelError(file: context.model.file, path: path, expected: "relaxations that reach fixed points", found: e.description)
        }
    }

    func learn(_ context: RunContext) throws -> PhaseResult {
        let net = context.network(DenseAssociativeFamily.self)
        let (base, baseTest) = try data.make(context)
        let inputs = net.size - data.classes
        var permutations = context.rng(phase: context.phaseIndex, "permutations")
        var pis: [[Int]] = []
        for t in 0..<tasks {
            var pi = Array(0..<inputs)
            if t > 0 || permuteFirst { permutations.shuffle(&pi) }
            pis.append(pi)
        }
        let tests = pis.map { baseTest.permuted($0) }
        let trainer = DAMTrainer(interaction: net.interaction, settings: settings, trained: Array(inputs..<net.size))
        var method = self.method
        var rng = context.rng(phase: context.phaseIndex, "training")
        var r = [[Double]](repeating: [Double](repeating: 0, count: tasks), count: tasks)
        var table = ResultTable(columns: ["after_task", "average_accuracy", "task1_accuracy", "learning_accuracy", "final_loss",
                                          "items"] + (1...tasks).map { "task\($0)_accuracy" })
        for t in 0..<tasks {
            let train = base.permuted(pis[t])
            let items = train.items + method.replay
            var xi = net.memories
            let losses = trainer.train(&xi, items: items, rng: &rng, penalty: method.penalty)
            net.setMemories(xi)
            for k in 0..<tasks { r[t][k] = try readout.accuracy(tests[k], network: net, maxEvents: maxEvents) }
            let average = r[t][0...t].reduce(0, +) / Double(t + 1)
            table.append([Double(t + 1), average, r[t][0], r[t][t], losses.last ?? .nan, Double(items.count)] + r[t])
            context.emitMetric("average_accuracy", item: t, value: average)
            try method.endTask(TaskEnd(task: t, network: net, items: train.items, trainer: trainer,
                                       rng: context.rng(phase: context.phaseIndex, "method:\(t)"), maxEvents: maxEvents))
            net.setMemories(net.memories)
            context.progress(Double(t + 1) / Double(tasks))
        }
        let last = tasks - 1
        let earlier = Double(Swift.max(1, last))
        let bwt = last == 0 ? 0 : (0..<last).map { r[last][$0] - r[$0][$0] }.reduce(0, +) / earlier
        let forgetting = last == 0 ? 0 : (0..<last).map { k in (0..<last).map { r[$0][k] }.max()! - r[last][k] }.reduce(0, +) / earlier
        let learning = (0..<tasks).map { r[$0][$0] }.reduce(0, +) / Double(tasks)
        var summary: [(key: String, value: Double)] = [
            ("tasks", Double(tasks)), ("final_average_accuracy", r[last][0...last].reduce(0, +) / Double(tasks)),
            ("final_task1_accuracy", r[last][0]), ("backward_transfer", bwt), ("forgetting", forgetting),
            ("learning_accuracy", learning),
        ]
        for t in 0..<tasks { summary.append(("average_accuracy_after_\(t + 1)", r[t][0...t].reduce(0, +) / Double(t + 1))) }
        for t in 0..<tasks { summary.append(("task1_accuracy_after_\(t + 1)", r[t][0])) }
        var lines = [String(format: "%ld tasks, method %@: final average accuracy %.4f, task 1 %.4f, BWT %.4f, forgetting %.4f, learning accuracy %.4f",
                            tasks, type(of: method).type, summary[1].value, r[last][0], bwt, forgetting, learning),
                     "accuracy matrix R[t][k] (row: after task t, column: task k):"]
        for t in 0..<tasks { lines.append("  " + r[t].map { String(format: "%.3f", $0) }.joined(separator: " ")) }
        return PhaseResult(summary: summary, table: table, lines: lines)
    }
}
