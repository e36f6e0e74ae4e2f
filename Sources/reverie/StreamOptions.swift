import ArgumentParser
import ReverieKernel
import ReverieSpec
import ReverieTraces
import ReverieTransport

/// Where a run's records go besides the summary: a trace file and/or a live stream.
struct StreamOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Record the run to a trace file (traces/FORMAT.md), e.g. traces/run.rvt.", valueName: "path"))
    var record: String?

    @Option(help: ArgumentHelp("Record streams: comma-separated states,spikes,weights,phases,metrics,assignments or all.",
                               valueName: "list"))
    var recordStreams = "all"

    @Option(help: ArgumentHelp("Report every weight at each phase end (phase), or after the first relaxation that ends once k more scheduler events have run (an integer k).",
                               valueName: "phase|k"))
    var weightsEvery: WeightSchedule?

    @OptionGroup var publishing: PublishOptions

    func validate() throws {
        do { _ = try RecordStreams(parsing: recordStreams) } catch let e as TraceError { throw ValidationError("--record-streams: \(e)") }
        if record == nil && recordStreams != "all" { throw ValidationError("--record-streams needs --record PATH") }
    }

    var isActive: Bool { record != nil || publishing.publish != nil }

    /// The sinks for a run: the recorder (if --record) then the publisher (if --publish).
    /// The publisher binds here, so a busy endpoint fails before the run starts.
    func makeSinks() throws -> [any SimulationSink] {
        var sinks: [any SimulationSink] = []
        if let record { sinks.append(TraceRecorderSink(path: record, streams: try RecordStreams(parsing: recordStreams))) }
        if let publisher = try publishing.makePublisher() { sinks.append(publisher) }
        return sinks
    }
}

extension StreamOptions {
    /// Makes `runner` emit weight records as `--weights-every` asks.
    func scheduleWeightSnapshots(_ runner: ModelRunner) {
        let context = runner.context
        func snapshot() {
            for n in context.simulation.families { n.emitWeights(at: context.time) }
        }
        switch weightsEvery {
        case nil: break
        case .perPhase: runner.onPhaseEnd = { _ in snapshot() }
        case .everyEvents(let k):
            var due = k
            context.onAdvanceEnd = { c in
                guard c.counters.events >= due else { return }
                snapshot()
                due = c.counters.events + k
            }
        }
    }
}

/// When a run reports its weights (`--weights-every`).
enum WeightSchedule: Equatable, ExpressibleByArgument {
    /// At the end of every phase.
    case perPhase
    /// Every k scheduler events.
    case everyEvents(Int)

    init?(argument: String) {
        if argument == "phase" { self = .perPhase; return }
        guard let k = Int(argument), k > 0 else { return nil }
        self = .everyEvents(k)
    }
}
