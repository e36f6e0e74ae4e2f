import XCTest
import ReverieKernel
import ReverieTransport
@testable import ReverieWeb

final class LiveHubTests: XCTestCase {
    func testAClientThatNeverTakesAFrameOnlyDropsFrames() throws {
        let hub = LiveHub(maxClients: 2)
        var f = StreamFixture(run: RunDescription(modelName: "m", modelSource: "", seed: 1, timeUnit: "ms",
                                                  populations: [.init(name: "p", model: "lif", firstID: 0, size: 10)],
                                                  phases: [], metrics: []))
        let (stalled, stalledTicks) = try XCTUnwrap(hub.register())
        let (reader, readerTicks) = try XCTUnwrap(hub.register())  // kept: a stream no one holds is terminated
        XCTAssertNil(hub.register())  // at most 2
        let run = try f.runMessage()
        hub.update(run, records: try f.monitor.consume(run), monitor: f.monitor)
        for k in 0..<50 {
            let m = try f.message([TraceRecord.spike(NeuronID(UInt32(k % 10)), at: SimTime(Double(k)))])
            hub.update(m, records: try f.monitor.consume(m), monitor: f.monitor)
            hub.tick(wall: Double(k))
            if k % 10 == 9 { _ = hub.frame(for: reader) }
        }
        let s = Dictionary(uniqueKeysWithValues: hub.statuses().map { ($0.id, $0) })
        // The register-time wake-up is still pending, so every one of the 50 ticks replaced it.
        XCTAssertEqual(s[stalled]?.framesSent, 0)
        XCTAssertEqual(s[stalled]?.framesDropped, 50)
        XCTAssertEqual(s[reader]?.framesSent, 5)
        let bytes = try XCTUnwrap(hub.frame(for: stalled))  // when it reads at last: one frame with everything
        let d = try DecodedFrame(bytes)
        XCTAssertEqual(d.times.count, 50)
        XCTAssertEqual(d["client", "framesDropped"] as? Int, 50)
        withExtendedLifetime((stalledTicks, readerTicks)) {}
        hub.unregister(stalled)
        XCTAssertNil(hub.frame(for: stalled))
        XCTAssertNotNil(hub.register())
    }
}
