import ArgumentParser
import ReverieMPI
import Foundation
import ReverieKernel
import ReverieSpec
import ReverieTransport

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model's protocol and report what it measured.",
        discussion: """
        Prints a summary per phase (e.g. per-pattern overlaps, fraction retrieved), events \
        processed, wall time and events/s. With --out, writes summary.json and one CSV per \
        phase that has a table (e.g. test-1.csv with one row per pattern and trial).
        """)

    @OptionGroup var model: ModelOptions

    @Option(help: "Threads that advance a spiking network (split into as many shards; the results do not depend on it).")
    var threads = 1

    @Option(help: "Seed for every random stream of the run (default: the file's `seed`).")
    var seed: UInt64?

    @Option(help: "Directory for summary.json and per-phase CSV files.")
    var out: String?

    @OptionGroup(title: "Recording and streaming") var streams: StreamOptions

    @Flag(name: .shortAndLong, help: "No progress and no per-phase lines; only the final summary.")
    var quiet = false

    @Option(help: ArgumentHelp("Seconds between progress lines when stderr is not a terminal (logs, nohup, batch jobs).",
                               valueName: "seconds"))
    var progressEvery = 10.0

    func validate() throws {
        guard progressEvery > 0 && progressEvery.isFinite else { throw ValidationError("--progress-every must be a positive number of seconds") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1...256") }
    }

    func run() throws {
        // Under mpirun with several ranks every rank runs the model, a spiking network split over
        // them; rank 0 alone records, publishes, prints and writes --out (the others meet the
        // same errors and leave them to rank 0: RankErrors).
        let world = MPICommunicator.launched()
        defer { world?.finalize() }
        let exchange = world.flatMap { $0.size > 1 ? MPISpikeExchange($0) : nil }
        do { try run(exchange: exchange, lead: (world?.rank ?? 0) == 0) }
        catch let e where !(e is ExitCode) && (world?.rank ?? 0) != 0 { throw RankErrors.quietExit(e, of: Self.self) }
    }

    func run(exchange: MPISpikeExchange?, lead: Bool) throws {
        /// A model-file error: printed by the lead rank only (RankErrors).
        func guarding<T>(_ body: () throws -> T) throws -> T {
            guard !lead else { return try ModelFileExit.guarding(body) }
            do { return try body() } catch let e as ModelError { throw RankErrors.quietExit(e, of: Self.self) }
        }
        let spec = try model.load()
        let sinks = lead ? try streams.makeSinks() : []
        let runner = try guarding {
            try ModelRunner(model: spec, seed: seed, sinks: sinks, threads: threads, exchange: exchange)
        }
        if lead { streams.scheduleWeightSnapshots(runner) }
        let progress = ProgressBar(enabled: !quiet && lead, timeUnit: spec.timeUnit, interval: progressEvery)
        runner.onPhaseStart = { k, name, kind in progress.phase("\(name) (\(k + 1)/\(spec.phases.count))") }
        runner.context.progress = { [context = runner.context] in progress.update($0, time: context.time.value) }
        let report = try guarding { try runner.run() }
        progress.finish()
        guard lead else { return }
        print(RunSummary.text(report, results: runner.results, phases: spec.phases.map(\.name), quiet: quiet))
        for case let publisher as ZMQPublisherSink in sinks { print(publisher.summary) }
        if let out {
            try OutputDirectory(out).write(report: report, results: runner.results, phases: spec.phases.map(\.name))
            print("wrote \(out)/summary.json" + (runner.results.contains { $0.table != nil } ? " and per-phase CSV files" : ""))
        }
    }
}
