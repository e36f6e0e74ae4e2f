import Foundation
import Logging
import ReverieKernel
import ReverieTransport

/// `reverie monitor ENDPOINT --web [HOST:]PORT`: serves a live page of the stream
/// that the caller reads from ZeroMQ. The caller hands every message to `consume`
/// on its own thread, which never waits for a browser (see `LiveHub`); a timer
/// ends a frame every `frameInterval` seconds and wakes the browsers.
public final class WebMonitor: @unchecked Sendable {
    public let address: WebAddress
    /// The page's address, with the port actually bound.
    public let url: String
    private let hub: LiveHub
    private var server: Task<Void, Never>?
    private var ticker: Task<Void, Never>?
    private let stopped = DispatchSemaphore(value: 0)

    /// Starts serving; returns once the port is bound (throws if it cannot be).
    public init(address: WebAddress, maxClients: Int = 8, frameInterval: Double = 0.1) throws {
        self.address = address
        hub = LiveHub(maxClients: maxClients)
        var logger = Logger(label: "reverie.web")
        logger.logLevel = .error
        let started = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let app = WebServer.application(hub: hub, address: address, logger: logger) { port in
            outcome.set(.success(port)); started.signal()
        }
        let stopped = stopped
        server = Task.detached {
            do { try await app.run() } catch { outcome.set(.failure(error)) }
            started.signal()
            stopped.signal()
        }
        guard started.wait(timeout: .now() + 30) == .success, case .success(let port)? = outcome.value else {
            server?.cancel()
            let reason = outcome.value.flatMap { if case .failure(let e) = $0 { "\(e)" } else { nil } } ?? "the server did not start within 30 s"
            throw WebError.cannotServe(address.description, reason: reason)
        }
        url = "http://\(WebAddress(host: address.host, port: port))/"
        let hub = hub
        ticker = Task.detached {
            let clock = ContinuousClock(), start = clock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(frameInterval))
                let e = (clock.now - start).components
                hub.tick(wall: Double(e.seconds) + Double(e.attoseconds) * 1e-18)
            }
        }
    }

    /// Takes in one message after `monitor` counted it (`records` are its decoded records).
    public func consume(_ message: StreamMessage, records: [TraceRecord], monitor: StreamMonitor) {
        hub.update(message, records: records, monitor: monitor)
    }

    /// One line per browser served: frames sent and dropped, raster events dropped.
    public var clientLines: [String] {
        hub.statuses().map {
            "browser \($0.id): \($0.framesSent) frames sent, \($0.framesDropped) dropped, \($0.rasterDropped) raster events dropped"
        }
    }

    /// Stops the timer and the server (closing the browsers' connections).
    public func stop() {
        ticker?.cancel()
        hub.finishAll()
        server?.cancel()
        _ = stopped.wait(timeout: .now() + 10)
        server = nil
    }

    /// The first result of starting the server, set from its tasks.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<Int, any Error>?
        var value: Result<Int, any Error>? { lock.withLock { result } }
        func set(_ r: Result<Int, any Error>) { lock.withLock { if result == nil { result = r } } }
    }
}
