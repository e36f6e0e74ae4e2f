import Foundation
import ReverieKernel
import ReverieTransport

/// The live state shared by the thread that reads ZeroMQ and the server's client
/// tasks. Every access holds `lock` for a bounded time and nothing here ever waits
/// for a browser: the reader only updates the state; each tick wakes every client
/// through a one-slot mailbox (`bufferingNewest(1)`), so a client still busy
/// writing its previous frame misses that tick (counted as a dropped frame) and
/// later gets one frame with everything new to it. A stalled browser therefore
/// costs one pending frame, never memory or time on the reading side.
final class LiveHub: @unchecked Sendable {
    struct ClientStatus: Sendable {
        var id: Int
        var framesSent: Int
        var framesDropped: Int
        var rasterDropped: Int
    }

    private struct Client {
        var ticks: AsyncStream<Void>.Continuation
        var cursor = ClientCursor()
        var framesSent = 0
        var framesDropped = 0
    }

    let maxClients: Int
    private let lock = NSLock()
    private var state = LiveState()
    private var clients: [Int: Client] = [:]
    private var nextID = 0
    private var finished: [ClientStatus] = []

    init(maxClients: Int) { self.maxClients = maxClients }

    func update(_ message: StreamMessage, records: [TraceRecord], monitor: StreamMonitor) {
        lock.withLock { state.update(message, records: records, monitor: monitor) }
    }

    /// Ends a frame and wakes every client.
    func tick(wall: Double) {
        lock.withLock {
            state.tick(wall: wall)
            for id in clients.keys {
                if case .dropped = clients[id]!.ticks.yield(()) { clients[id]!.framesDropped += 1 }
            }
        }
    }

    /// A new client and its wake-ups (the first is immediate), or nil when `maxClients` are connected.
    func register() -> (id: Int, ticks: AsyncStream<Void>)? {
        lock.withLock {
            guard clients.count < maxClients else { return nil }
            let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            nextID += 1
            clients[nextID] = Client(ticks: continuation)
            continuation.yield(())
            return (nextID, stream)
        }
    }

    func unregister(_ id: Int) {
        lock.withLock {
            guard let c = clients.removeValue(forKey: id) else { return }
            c.ticks.finish()
            finished.append(status(id, c))
        }
    }

    /// Ends every client's wake-ups (the server is stopping).
    func finishAll() {
        lock.withLock { for c in clients.values { c.ticks.finish() } }
    }

    /// The next frame for client `id` (nil once it is unregistered).
    func frame(for id: Int) -> [UInt8]? {
        lock.withLock {
            guard var c = clients[id] else { return nil }
            let bytes = state.encodeFrame(for: &c.cursor, framesDropped: c.framesDropped)
            c.framesSent += 1
            clients[id] = c
            return bytes
        }
    }

    /// Every client so far, connected or not, in order of arrival.
    func statuses() -> [ClientStatus] {
        lock.withLock { (finished + clients.map { status($0.key, $0.value) }).sorted { $0.id < $1.id } }
    }

    private func status(_ id: Int, _ c: Client) -> ClientStatus {
        ClientStatus(id: id, framesSent: c.framesSent, framesDropped: c.framesDropped, rasterDropped: c.cursor.rasterDropped)
    }

    /// `GET /status`: frames so far and every client's frames sent and dropped (JSON).
    func statusJSON() -> [UInt8] {
        let all = statuses()
        let frame = lock.withLock { state.frame }
        var j = JSONText()
        j.raw("{"); j.key("frames"); j.number(frame)
        j.raw(","); j.key("maxClients"); j.number(maxClients)
        j.raw(","); j.key("clients"); j.raw("[")
        for (k, s) in all.enumerated() {
            if k > 0 { j.raw(",") }
            j.raw("{"); j.key("id"); j.number(s.id)
            j.raw(","); j.key("framesSent"); j.number(s.framesSent)
            j.raw(","); j.key("framesDropped"); j.number(s.framesDropped)
            j.raw(","); j.key("rasterDropped"); j.number(s.rasterDropped); j.raw("}")
        }
        j.raw("]}")
        return j.bytes
    }
}
