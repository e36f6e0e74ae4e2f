import Foundation
import ReverieKernel
import ReverieModels
import ReverieSpec
import ReverieTraces

/// Keeps a copy of every record a hub delivers.
enum TraceFixture {
    static func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-traces-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    static func description(n: Int, seed: UInt64) -> RunDescription {
        RunDescription(modelName: "fixture", modelSource: "name: fixture\nunits: \(n)\n", seed: seed, timeUnit: "clock",
                       populations: [.init(name: "left", model: "binary", firstID: 0, size: n / 2),
                                     .init(name: "right", model: "binary", firstID: UInt32(n / 2), size: n - n / 2)],
                       phases: ["store", "test"], metrics: ["overlap"])
    }

    /// A Hebbian network storing 3 patterns, relaxed from corrupted copies, with every
    /// record kind emitted (states from the dynamics; weights, phases, metrics by hand).
    /// Small hub batches give many chunks.
    @discardableResult
    static func run(n: Int = 60, seed: UInt64, sinks: [any SimulationSink], batchSize: Int = 97) throws -> Int {
        let hub = SinkHub(batchSize: batchSize)
        for s in sinks { hub.add(s) }
        try hub.begin(description(n: n, seed: seed))
        var rng = RandomStream(seed: seed)
        let patterns = PatternSet.random(count: 3, size: n, rng: &rng)
        let net = BinaryNetwork(populations: [("all", n)], dynamics: BinaryDynamics(order: .poisson),
                                rng: rng.derived(7), sinks: hub)
        net.connect("rec", from: 0, to: 0, synapses: .dense(DenseWeights(preCount: n, postCount: n)), skipSelf: true)
        net.reportsAssignments = true
        let rule = AnyPlasticityRule("hebbian", Registry.standard.rule("hebbian")!.make(RuleParameters(values: ["eta": 1], presynapticCount: n)))
        hub.emit(TraceRecord(kind: .phase, time: .zero, unit: 0, aux: 0))
        for mu in 0..<patterns.count { net.setState(patterns[mu], population: 0, clamped: true); net.learn(projection: 0, rule: rule) }
        net.emitWeights(projection: 0, at: .zero)
        hub.emit(TraceRecord(kind: .phase, time: .zero, unit: 0, aux: 1))
        hub.emit(TraceRecord(kind: .phase, time: .zero, unit: 1, aux: 0))
        var t = SimTime.zero
        for mu in 0..<patterns.count {
            net.setState(patterns.corrupted(mu, initialOverlap: 0.4, rng: &rng), population: 0)
            var sch = Scheduler<BinaryNetwork.Message>()
            net.beginRelaxation(at: t)
            _ = sch.run(net, until: t + SimTime(100))
            t = t + SimTime(100)
            hub.emit(TraceRecord(kind: .metric, time: t, unit: 0, aux: UInt32(mu), value: net.overlap(with: patterns[mu], population: 0)))
            hub.emit(.spike(NeuronID(mu), at: t))
        }
        hub.emit(TraceRecord(kind: .phase, time: t, unit: 1, aux: 1))
        let emitted = hub.emitted
        try hub.end()
        return emitted
    }
}
