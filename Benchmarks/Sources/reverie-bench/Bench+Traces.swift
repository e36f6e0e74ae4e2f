import ArgumentParser
import Foundation
import ReverieKernel
import ReverieModels
import ReverieTraces
import ReverieTransport

/// Cost of recording every state change of the relaxation benchmark (dense
/// Hebbian couplings, zero temperature, random-sequential, from random states).
/// Two identical networks (same couplings, same dynamics seed) relax from the
/// same start states, one with a trace recorder attached, alternating one
/// relaxation each, so both do exactly the same flips and share machine noise.
struct RecordBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Run time of N = 4000 relaxations with and without recording all state changes to a trace.")

    @Option(name: .customLong("n"), help: "Network size.")
    var size = 4000

    @Option(help: "Load α of the Hebbian couplings.")
    var alpha = 0.1

    @Option(help: "Relaxations of each network.")
    var relaxations = 30

    @Option(help: "Trace file written by the recording network.")
    var trace = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-bench-record.rvt").path

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark with `swift run -c release reverie-bench record`")
        #endif
        var rng = RandomStream(seed: seed, stream: 1)
        let patterns = PatternSet.random(count: max(1, Int(alpha * Double(size))), size: size, rng: &rng)
        let couplings = patterns.hebbianCouplings()
        func network(_ hub: SinkHub) -> BinaryNetwork {
            let net = BinaryNetwork(populations: [("memory", size)], dynamics: BinaryDynamics(order: .randomSequential),
                                    rng: RandomStream(seed: seed, stream: 2), sinks: hub)
            net.connect("recurrent", from: 0, to: 0, synapses: .dense(couplings), skipSelf: true)
            net.reportsAssignments = true   // start states too, as in model runs
            return net
        }
        let hub = SinkHub()
        let plain = network(SinkHub()), recorded = network(hub)
        hub.add(TraceRecorderSink(path: trace))
        try hub.begin(RunDescription(modelName: "bench-record", modelSource: "", seed: seed, timeUnit: "clock period",
                                     populations: [.init(name: "memory", model: "binary", firstID: 0, size: size)],
                                     phases: [], metrics: []))
        var starts = RandomStream(seed: seed, stream: 3)
        var times = (plain: 0.0, recorded: 0.0)
        var ratios: [Double] = []
        func relax(_ net: BinaryNetwork, from start: [Double]) -> Double {
            ContinuousClock().measure {
                net.setState(start, population: 0)
                var scheduler = Scheduler<BinaryNetwork.Message>()
                net.beginRelaxation(at: .zero)
                precondition(scheduler.run(net) == .quiescent)
            }.seconds
        }
        for k in 0..<relaxations {
            let start = (0..<size).map { _ in starts.nextSpin() }
            let (a, b) = k % 2 == 0 ? (relax(plain, from: start), relax(recorded, from: start))
                                    : { let b = relax(recorded, from: start); return (relax(plain, from: start), b) }()
            times.plain += a; times.recorded += b
            ratios.append(b / a)
        }
        times.recorded += try ContinuousClock().measure { try hub.end() }.seconds
        precondition(plain.flips == recorded.flips, "paired networks diverged")
        let bytes = (try FileManager.default.attributesOfItem(atPath: trace)[.size] as? Int) ?? 0
        let middle = median(ratios)
        print(String(format: "N %ld, %ld relaxations per network, %ld flips each (all recorded: %.1f MB trace)",
                     size, relaxations, recorded.flips, Double(bytes) / 1e6))
        print(String(format: "  plain     %8.3f ms/relaxation", times.plain * 1000 / Double(relaxations)))
        print(String(format: "  recorded  %8.3f ms/relaxation (including closing the trace)", times.recorded * 1000 / Double(relaxations)))
        print(String(format: "  recording overhead %.1f%% of run time in total, median per relaxation %.1f%% (target ≤ 20%%)",
                     (times.recorded / times.plain - 1) * 100, (middle - 1) * 100))
    }
}

/// Records/s delivered to one external pyzmq subscriber (examples/monitor.py)
/// over tcp on loopback, from batches of state records as a run delivers them.
struct PublishBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Records/s published to one pyzmq subscriber (examples/monitor.py) over tcp loopback.")

    @Option(help: "Records to publish.")
    var records = 20_000_000

    @Option(help: "Records per delivered batch (the SinkHub's batch size).")
    var batch = 8192

    @Option(help: "Endpoint to bind (port * = any free port).")
    var endpoint = "tcp://127.0.0.1:*"

    @Flag(help: "Drop and count instead of blocking when the subscriber is slow (the run default).")
    var dropping = false

    @Option(help: "The subscriber script.")
    var subscriber = "examples/monitor.py"

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark with `swift run -c release reverie-bench publish`")
        #endif
        var rng = RandomStream(seed: 1)
        let pool = (0..<batch).map { k in TraceRecord.state(NeuronID(rng.nextInt(below: 4000)), rng.nextSpin(), at: SimTime(Double(k) * 1e-4)) }
        let publisher = try ZMQPublisherSink(endpoint: endpoint, options: .init(lossless: !dropping, waitSubscribers: 1, waitTimeout: 30))
        let peer = PeerResult()
        let arguments = [PeerProcess.python, subscriber, publisher.boundEndpoint, "--quiet", "--timeout", "30"]
        Thread.detachNewThread { peer.finish(Result { try PeerProcess.runJSON(arguments) }) }
        try publisher.begin(RunDescription(modelName: "bench-publish", modelSource: "", seed: 1, timeUnit: "clock period",
                                           populations: [.init(name: "memory", model: "binary", firstID: 0, size: 4000)],
                                           phases: [], metrics: []))
        let elapsed = try ContinuousClock().measure {
            var sent = 0
            while sent < records {
                let n = min(batch, records - sent)
                try publisher.receive(pool[0..<n])
                sent += n
            }
            try publisher.end()
        }
        let result = try peer.wait()
        let s = publisher.statistics
        let got = result["records"] as? Int ?? 0
        print(String(format: "published %ld records in batches of %ld (%@): %.3f s, %.3g records/s, %.0f MB/s; %ld dropped",
                     records, batch, dropping ? "dropping" : "lossless", elapsed.seconds, Double(s.records) / elapsed.seconds,
                     Double(s.records * TraceFormat.recordSize) / elapsed.seconds / 1e6, s.droppedRecords))
        print(String(format: "pyzmq subscriber received %ld records, %.3g records/s by its own clock, %ld gaps (target ≥ 5e6 records/s)",
                     got, result["records_per_second"] as? Double ?? 0, result["gap_messages"] as? Int ?? 0))
    }
}

/// The subscriber's JSON summary, handed from its thread to the benchmark.
private final class PeerResult: @unchecked Sendable {
    private var result: Result<[String: Any], Error>?
    private let done = DispatchSemaphore(value: 0)
    func finish(_ r: Result<[String: Any], Error>) { result = r; done.signal() }
    func wait() throws -> [String: Any] { done.wait(); return try result!.get() }
}
