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
        discussion: """
        --speed X paces the chunks at X times real time: one time unit of the trace is one \
        second of wall time at --speed 1 (one millisecond for traces in ms). --speed max sends \
        as fast as the subscribers allow (or drops, without --lossless).
        """)

    @OptionGroup var input: TraceArgument
    @OptionGroup var publishing: PublishOptions

    @Option(help: ArgumentHelp("Replay speed: a factor of real time, or max.", valueName: "X|max"))
    var speed: ReplaySpeed = .max

    func validate() throws {
        guard publishing.publish != nil else { throw ValidationError("replay needs --publish ENDPOINT") }
    }

    func run() throws {
        let trace = try input.open()
        guard let publisher = try publishing.makePublisher() else { return }
        let speedFactor: Double?
        switch speed { case .max: speedFactor = nil; case .factor(let x): speedFactor = x }
        try TraceReplayer(trace: trace, speed: speedFactor).run(into: publisher)
        let s = publisher.statistics
        print("replayed \(trace.recordCount) records in \(trace.chunks.count) chunks to \(publisher.boundEndpoint): "
              + "\(s.messages) messages sent, \(s.droppedMessages) dropped (\(s.droppedRecords) records)")
    }
}

/// `--speed`: a factor of real time, or as fast as possible.
enum ReplaySpeed: Equatable, ExpressibleByArgument {
    case max
    case factor(Double)

    init?(argument: String) {
        if argument == "max" { self = .max; return }
        guard let x = Double(argument), x > 0, x.isFinite else { return nil }
        self = .factor(x)
    }
}
