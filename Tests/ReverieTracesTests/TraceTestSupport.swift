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
    static func run(n: Int = 60, seed: UInt64, sinks: [any SimulationSink], batchSize: Int = 41) throws -> Int {
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

extension TraceFixture {
    /// The JSON header bytes of the trace at `path` (as written after the 16-byte preamble).
    static func headerJSON(_ path: String) -> [UInt8] {
        let b = [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data())
        guard b.count >= 16 else { return [] }
        let n = Int(b[12]) | Int(b[13]) << 8 | Int(b[14]) << 16 | Int(b[15]) << 24
        return Array(b[16..<min(b.count, 16 + n)])
    }

    /// One chunk (header + payload) as a writer would produce it.
    static func chunk(_ type: TraceChunkHeader.ChunkType = .records, records: [TraceRecord] = [], payload: [UInt8]? = nil,
                      first: UInt64, run: UInt32, count: UInt32? = nil) -> [UInt8] {
        var body = payload ?? [UInt8](repeating: 0, count: records.count * TraceFormat.recordSize)
        if payload == nil {
            body.withUnsafeMutableBytes { b in
                for (k, r) in records.enumerated() { TraceFormat.encode(r, into: b.baseAddress! + k * TraceFormat.recordSize) }
            }
        }
        var head = [UInt8](repeating: 0, count: TraceFormat.chunkHeaderSize)
        head.withUnsafeMutableBytes {
            TraceChunkHeader(type: type, count: count ?? UInt32(body.count / TraceFormat.recordSize),
                             payloadCRC: CRC32.checksum(body), first: first, run: run).write(to: $0.baseAddress!)
        }
        return head + body
    }

    /// A complete version-2 file: preamble, `json` and its CRC, then `chunks`.
    static func file(json: [UInt8], version: UInt32 = TraceFormat.version, chunks: [[UInt8]]) -> Data {
        var b = TraceFormat.fileMagic
        withUnsafeBytes(of: version.littleEndian) { b += $0 }
        withUnsafeBytes(of: UInt32(json.count).littleEndian) { b += $0 }
        b += json
        withUnsafeBytes(of: CRC32.checksum(json).littleEndian) { b += $0 }
        return Data(b + chunks.joined())
    }

    static func write(_ data: Data, _ name: String) throws -> String {
        let path = temporaryPath(name)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }
}
