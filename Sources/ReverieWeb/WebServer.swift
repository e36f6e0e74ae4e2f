import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// The HTTP + WebSocket server of the web monitor (Hummingbird 2 on SwiftNIO):
/// `GET /` the page, `/monitor.js` and `/monitor.css` its files (embedded in the
/// binary), `/status` the clients' frame counts (JSON), and `/stream` the
/// WebSocket of frames (`LiveState.encodeFrame`).
///
/// Limits: at most `maxClients` WebSocket clients (more are closed at once with
/// code 1013, try again later) and `maxConnections` TCP
/// connections; `sendBuffer` bytes queued in the kernel per WebSocket; WebSocket frames of at most 64 KiB and messages from the page of
/// at most 4 KiB (it sends none); HTTP headers as SwiftNIO's parser allows
/// (80 KiB); idle HTTP connections close after 60 s and a WebSocket client that
/// answers no ping within 20 s is disconnected. When bound to loopback, requests
/// must name a loopback host (`Host`), which defeats DNS rebinding, and a
/// WebSocket opened by a page must come from this server's own origin.
enum WebServer {
    static let maxConnections = 64
    /// Kernel send buffer of a WebSocket (Linux doubles it): a browser that reads
    /// slowly makes the writer wait, so it skips frames and gets fresh ones, instead
    /// of the kernel queueing seconds of stale frames (up to 4 MiB by default).
    static let sendBuffer = 128 * 1024
    static let maxInboundMessage = 4096
    /// WebSocket close code 1013, "try again later" (RFC 6455 §7.4, IANA registry).
    static let tryAgainLater: UInt16 = 1013

    static func application(hub: LiveHub, address: WebAddress, logger: Logger,
                            onRunning: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let loopback = address.isLoopback
        let router = Router()
        router.middlewares.add(HostCheck(loopbackOnly: loopback))
        router.get("/") { _, _ in page(PackageResources.index_html, "text/html; charset=utf-8") }
        router.get("/monitor.js") { _, _ in page(PackageResources.monitor_js, "text/javascript; charset=utf-8") }
        router.get("/monitor.css") { _, _ in page(PackageResources.monitor_css, "text/css; charset=utf-8") }
        router.get("/status") { _, _ in page(hub.statusJSON(), "application/json") }
        router.get("/stream") { _, _ in text(.badRequest, "/stream is a WebSocket opened by this server's page\n") }
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(idleTimeout: .seconds(60)),
            ws: .init(maxFrameSize: 1 << 16, autoPing: .enabled(timePeriod: .seconds(20))))
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(configuration: configuration) { head, channel, _ in
                guard head.path?.split(separator: "?").first == "/stream", allowed(head, loopbackOnly: loopback),
                      sameOrigin(head) else { return .dontUpgrade }
                try await channel.setOption(ChannelOptions.socketOption(.so_sndbuf), value: sendBuffer).get()
                return .upgrade([:]) { inbound, outbound, _ in
                    // Browsers see no HTTP status of a refused upgrade, so a full server says so in the close frame.
                    guard let (id, ticks) = hub.register() else {
                        try await outbound.close(.unknown(tryAgainLater), reason: "at most \(hub.maxClients) browsers at once")
                        return
                    }
                    defer { hub.unregister(id) }
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        // The page sends nothing; reading answers pings and sees the close.
                        group.addTask { for try await _ in inbound.messages(maxSize: maxInboundMessage) {} }
                        group.addTask {
                            for await _ in ticks {
                                guard let bytes = hub.frame(for: id) else { return }
                                try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                            }
                        }
                        try await group.next()
                        group.cancelAll()
                    }
                }
            },
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil,
                                 availableConnectionsDelegate: MaximumAvailableConnections(maxConnections, logger: logger)),
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? address.port) },
            logger: logger)
    }

    private static func page(_ bytes: [UInt8], _ type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: message)))
    }

    /// The host named by a request (`Host` / `:authority`), without its port.
    static func host(of authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        return String(authority.split(separator: ":", maxSplits: 1).first ?? "")
    }

    static func allowed(_ head: HTTPRequest, loopbackOnly: Bool) -> Bool {
        guard let authority = head.authority else { return false }
        return !loopbackOnly || WebAddress.isLoopbackHost(host(of: authority))
    }

    /// No `Origin` (not a browser), or this server's own (`http://` + the request's host).
    static func sameOrigin(_ head: HTTPRequest) -> Bool {
        guard let origin = head.headerFields[.origin] else { return true }
        return origin == "http://" + (head.authority ?? "")
    }

    /// Refuses requests that name a host other than loopback when the server is bound to loopback.
    struct HostCheck<Context: RequestContext>: RouterMiddleware {
        let loopbackOnly: Bool
        func handle(_ request: Request, context: Context,
                    next: (Request, Context) async throws -> Response) async throws -> Response {
            guard allowed(request.head, loopbackOnly: loopbackOnly) else {
                return text(.forbidden, "this monitor serves loopback hosts only (127.0.0.1, localhost, [::1])\n")
            }
            return try await next(request, context)
        }
    }
}
