import ArgumentParser
import Foundation
import ReverieTransport
import ReverieWeb

/// `reverie monitor ENDPOINT`: a live terminal view of a published run.
struct MonitorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Live terminal monitor of a run published with --publish (rates, overlaps, weights, gaps).",
        discussion: """
        Connects to ENDPOINT and refreshes every --interval seconds until the run ends \
        (or --duration elapses). Start the run with --wait-subscribers 1 to see it from the first record. \
        --web [HOST:]PORT also serves a live page (raster, rates, overlaps, weights) to browsers, on \
        127.0.0.1 unless HOST says otherwise, and keeps serving it after the run ends until --duration \
        elapses or the monitor is interrupted.
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

    @Option(help: ArgumentHelp("Serve a live page of the stream on [HOST:]PORT (HOST default 127.0.0.1, PORT 0 picks one).",
                               valueName: "[host:]port"))
    var web: String?

    func validate() throws {
        if let web { do { _ = try WebAddress(web) } catch { throw ValidationError("\(error)") } }
        guard interval > 0 else { throw ValidationError("--interval must be positive") }
        do { _ = try StreamEndpoint(endpoint) } catch let e as TransportError { throw ValidationError("\(e)") }
    }

    func run() throws {
        let subscriber = try StreamSubscriber(endpoint: endpoint, topics: topic + (topic.contains { "rv.run".hasPrefix($0) } ? [] : ["rv.run", "rv.end"]))
        let monitor = StreamMonitor()
        let page = try web.map { try WebMonitor(address: WebAddress($0)) }
        if let page { print("serving the live page at \(page.url)"); fflush(nil) }
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
            if let message = try subscriber.next(timeout: min(interval, 0.1)) {
                let records = try monitor.consume(message)
                page?.consume(message, records: records, monitor: monitor)
            }
            if (clock.now - lastDraw).seconds >= interval { draw() }
        }
        draw()
        subscriber.close()
        if let page { keepServing(page, ended: monitor.endSummary != nil, secondsLeft: duration.map { $0 - (clock.now - start).seconds }) }
    }
}
