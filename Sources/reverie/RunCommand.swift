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
        // Several ranks would each run the whole model into the same --out.
        if let ranks = MPICommunicator.launchedSize(), ranks > 1 {
            guard MPICommunicator.launchedRank() ?? 0 == 0 else { throw ExitCode.validationFailure }  // rank 0 says why
            throw ValidationError("reverie run is one process: it does not split a network over MPI ranks (started with \(ranks)); "
                                  + "run it without mpirun, or spread independent runs over ranks with reverie experiment")
        }
    }

    func run() throws {
        let spec = try model.load()
        let sinks = try streams.makeSinks()
        let runner = try ModelFileExit.guarding { try ModelRunner(model: spec, seed: seed, sinks: sinks, threads: threads) }
        streams.scheduleWeightSnapshots(runner)
        let progress = ProgressBar(enabled: !quiet, timeUnit: spec.timeUnit, interval: progressEvery)
        runner.onPhaseStart = { k, name, kind in progress.phase("\(name) (\(k + 1)/\(spec.phases.count))") }
        runner.context.progress = { [context = runner.context] in progress.update($0, time: context.time.value) }
        let report = try ModelFileExit.guarding { try runner.run() }
        progress.finish()
        print(RunSummary.text(report, results: runner.results, phases: spec.phases.map(\.name), quiet: quiet))
        for case let publisher as ZMQPublisherSink in sinks { print(publisher.summary) }
        if let out {
            try OutputDirectory(out).write(report: report, results: runner.results, phases: spec.phases.map(\.name))
            print("wrote \(out)/summary.json" + (runner.results.contains { $0.table != nil } ? " and per-phase CSV files" : ""))
        }
    }
}
