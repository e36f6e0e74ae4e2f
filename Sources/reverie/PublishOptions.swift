import ArgumentParser
import ReverieTransport

/// Live-streaming options shared by `run` and `replay`.
struct PublishOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Stream records over ZeroMQ on this endpoint (tcp://HOST:PORT or ipc://PATH).",
                               valueName: "endpoint"))
    var publish: String?

    @Flag(help: "Block the simulation when a subscriber is slow instead of dropping (and counting) messages.")
    var lossless = false

    @Option(help: ArgumentHelp("Wait for this many subscriptions before the first message.", valueName: "K"))
    var waitSubscribers = 0

    @Option(help: ArgumentHelp("Seconds to wait for --wait-subscribers before failing.", valueName: "seconds"))
    var waitTimeout = 60.0

    func validate() throws {
        guard waitSubscribers >= 0 else { throw ValidationError("--wait-subscribers must be 0 or more") }
        guard waitTimeout > 0 else { throw ValidationError("--wait-timeout must be positive") }
        if publish == nil && (lossless || waitSubscribers > 0) {
            throw ValidationError("--lossless and --wait-subscribers need --publish ENDPOINT")
        }
        if let publish {
            do { _ = try StreamEndpoint(publish) } catch let e as TransportError { throw ValidationError("--publish: \(e)") }
        }
    }

    /// The publisher, bound (so a busy endpoint fails before the run starts), or nil without --publish.
    func makePublisher() throws -> ZMQPublisherSink? {
        guard let publish else { return nil }
        return try ZMQPublisherSink(endpoint: publish, options: .init(lossless: lossless, waitSubscribers: waitSubscribers,
                                                                      waitTimeout: waitTimeout))
    }
}
