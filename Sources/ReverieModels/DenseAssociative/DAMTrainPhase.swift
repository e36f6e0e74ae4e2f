import Foundation
import ReverieKernel
import ReverieReport
import ReverieSpec

/// `phase: dam-train` — Krotov–Hopfield training of a dense associative
/// memory's memories (`DAMTrainer`, docs/science.md §7) on labelled items; the
/// label units are trained. Reports the loss of every epoch and the accuracy
/// on the training and test sets (`DAMClassifier`).
public struct DAMTrainPhase: ProtocolPhase {
    public static let kind = "dam-train"
    public static let summary = "dense associative memory: Krotov–Hopfield training of the memories on labelled items"

    let data: DAMDataSource
    let settings: DAMTrainer.Settings
    let readout: DAMClassifier
    let maxEvents: Int

    public var metrics: [String] { ["loss"] }

    public init(node: SpecNode, model: ModelSpec) throws {
        try node.checkKeys(["phase", "name", "readout", "max_events"] + DAMDataSource.keys + DAMTrainer.Settings.keys)
        data = try DAMDataSource(node: node, model: model)
        settings = try DAMTrainer.Settings(node: node)
        readout = DAMClassifier(rawValue: try node.choice("readout", DAMClassifier.allCases.map(\.rawValue), default: "one-step"))!
        maxEvents = try node.int("max_events", default: 100_000, in: 1...Int.max)
    }

    public func run(_ context: RunContext) throws -> PhaseResult {
        let net = context.network(DenseAssociativeFamily.self)
        let (train, test) = try data.make(context)
        let trainer = DAMTrainer(interaction: net.interaction, settings: settings, trained: Array((net.size - data.classes)..<net.size))
        var xi = net.memories
        var rng = context.rng(phase: context.phaseIndex, "training")
        let losses = trainer.train(&xi, items: train.items, rng: &rng)
        net.setMemories(xi)
        var table = ResultTable(columns: ["epoch", "loss"])
        for (e, l) in losses.enumerated() {
            table.append([Double(e), l])
            context.emitMetric("loss", item: e, value: l)
        }
        let trainAccuracy = try readout.accuracy(train, network: net, maxEvents: maxEvents)
        let testAccuracy = try readout.accuracy(test, network: net, maxEvents: maxEvents)
        return PhaseResult(summary: [("epochs", Double(settings.epochs)), ("final_loss", losses.last ?? .nan),
                                     ("train_accuracy", trainAccuracy), ("test_accuracy", testAccuracy),
                                     ("train_items", Double(train.items.count)), ("test_items", Double(test.items.count))],
                           table: table, lines: [
            String(format: "%ld epochs on %ld items: loss %.4g → %.4g, accuracy train %.4f, test %.4f", settings.epochs,
                   train.items.count, losses.first ?? .nan, losses.last ?? .nan, trainAccuracy, testAccuracy),
        ])
    }
}
