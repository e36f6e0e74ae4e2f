import ArgumentParser
import Foundation
import ReverieTransport

/// `reverie monitor ENDPOINT`: a live terminal view of a published run.
struct MonitorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Live terminal monitor of a run published with --publish (rates, overlaps, weights, gaps).",
        discussion: """
        Connects to ENDPOINT and refreshes every --interval seconds until the run ends \
        (or --duration elapses). Start the run with --wait-subscribers 1 to see it from the first record.
        """)

    @Argument(help: "The endpoint the run publishes on, e.g. tcp://127.0.0.1:5556.")
    var endpoint: String

    @Option(help: "Seconds between refreshes.")
    var interval = 1.0

    @Option(help: "Stop after this many seconds (default: when the run ends).")
    var duration: Double?

    @Option(help: "Topics to subscribe to (prefixes, e.g. rv.metric); default everything.")
    var topic: [String] = ["rv."]

    @Flag(help: "Append each refresh instead of redrawing the screen (for logs and pipes).")
    var plain = false

    func validate() throws {
        guard interval > 0 else { throw ValidationError("--interval must be positive") }
        do { _ = try StreamEndpoint(endpoint) } catch let e as TransportError { throw ValidationError("\(e)") }
    }

    func run() throws {
        let subscriber = try StreamSubscriber(endpoint: endpoint, topics: topic + (topic.contains { "rv.run".hasPrefix($0) } ? [] : ["rv.run", "rv.end"]))
        let monitor = StreamMonitor()
        let clock = ContinuousClock()
        let start = clock.now
        var lastDraw = start
        func draw() {
            let now = clock.now
            let lines = monitor.window(seconds: max((now - lastDraw).seconds, 1e-9))
            lastDraw = now
            let text = "reverie monitor \(endpoint)   \(String(format: "%.1f", (now - start).seconds)) s\n" + lines.joined(separator: "\n")
            print(plain ? text + "\n" : "\u{1B}[H\u{1B}[2J" + text)
            // Each refresh reaches a pipe or log at once (stdout is block-buffered there; nil flushes it).
            fflush(nil)
        }
        while monitor.endSummary == nil {
            if let duration, (clock.now - start).seconds >= duration { break }
            if let message = try subscriber.next(timeout: min(interval, 0.1)) { try monitor.consume(message) }
            if (clock.now - lastDraw).seconds >= interval { draw() }
        }
        draw()
        subscriber.close()
    }
}
