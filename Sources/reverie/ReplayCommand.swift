import ArgumentParser
import Foundation
import ReverieKernel
import ReverieTraces
import ReverieTransport

/// `reverie replay TRACE --publish ENDPOINT`: stream a recorded trace as the live
/// run streamed it (one delivered batch per chunk, so the same frames).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Publish a recorded trace over ZeroMQ with the frames the live run sent.",
        // --publish comes from the options shared with `run`, where it is optional; here it is required.
        usage: """
        reverie replay <trace> --publish <endpoint> [--recover] [--lossless] [--wait-subscribers <K>] \
        [--wait-timeout <seconds>] [--speed <X|max>] [--max-pause <seconds>]
        """,
        discussion: """
        --speed X paces the chunks at X times real time: one time unit of the trace is one \
        second of wall time at --speed 1 (one millisecond for traces in ms); X is between \
        \(ReplaySpeed.range.lowerBound) and \(Int(ReplaySpeed.range.upperBound)). Idle stretches longer than --max-pause \
        seconds are shortened to it. --speed max sends as fast as the subscribers allow \
        (without --lossless, a subscriber that cannot keep up loses messages of its own).
        """)

    @OptionGroup var input: TraceArgument
    @OptionGroup var publishing: PublishOptions

    @Option(help: ArgumentHelp("Replay speed: a factor of real time, or max.", valueName: "X|max"))
    var speed: ReplaySpeed = .max

    @Option(help: ArgumentHelp("Longest wall-clock wait between two chunks; longer idle stretches are shortened.",
                               valueName: "seconds"))
    var maxPause = 10.0

    func validate() throws {
        guard publishing.publish != nil else { throw ValidationError("replay needs --publish ENDPOINT") }
        if case .factor(let x) = speed, !ReplaySpeed.range.contains(x) {
            throw ValidationError("--speed \(x) is out of range: give a factor of real time between "
                                  + "\(ReplaySpeed.range.lowerBound) and \(Int(ReplaySpeed.range.upperBound)), or max")
        }
        guard maxPause >= 0 && maxPause <= 3600 else { throw ValidationError("--max-pause must be between 0 and 3600 seconds") }
    }

    func run() throws {
        let trace = try input.open()
        guard let publisher = try publishing.makePublisher() else { return }
        let speedFactor: Double?
        switch speed { case .max: speedFactor = nil; case .factor(let x): speedFactor = x }
        try TraceReplayer(trace: trace, speed: speedFactor, maxPause: maxPause).run(into: publisher)
        print("replayed \(trace.recordCount) records in \(trace.chunks.count) chunks: \(publisher.summary)")
    }
}

/// `--speed`: a factor of real time, or as fast as possible.
enum ReplaySpeed: Equatable, ExpressibleByArgument {
    case max
    case factor(Double)

    /// Accepted factors: from a thousandth of real time to a million times faster.
    static let range: ClosedRange<Double> = 1e-3...1e6

    init?(argument: String) {
        if argument == "max" { self = .max; return }
        guard let x = Double(argument) else { return nil }
        self = .factor(x)
    }
}
