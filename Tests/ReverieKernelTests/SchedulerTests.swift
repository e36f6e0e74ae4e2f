import XCTest
import ReverieKernel

/// A toy system: a spontaneous tick every `period`, and queued echoes that arrive `delay` later.
final class Ticker: DiscreteEventSystem {
    var next: SimTime? = SimTime(1)
    let period: Double
    var log: [String] = []
    var ticks = 0
    init(period: Double) { self.period = period }
    func nextSpontaneousTime(after now: SimTime) -> SimTime? { next }
    func fireSpontaneous(at time: SimTime, scheduler: inout Scheduler<String>) {
        ticks += 1
        log.append("tick@\(time.value)")
        scheduler.schedule("echo\(ticks)", after: SimTime(0.5))
        next = ticks < 4 ? time + SimTime(period) : nil
    }
    func handle(_ event: Event<String>, scheduler: inout Scheduler<String>) {
        log.append("\(event.payload)@\(event.time.value)")
    }
}

final class SchedulerTests: XCTestCase {
    func testInterleavesQueuedAndSpontaneousEventsInTimeOrder() {
        let t = Ticker(period: 1)
        var s = Scheduler<String>()
        XCTAssertEqual(s.run(t), .quiescent)
        XCTAssertEqual(t.log, ["tick@1.0", "echo1@1.5", "tick@2.0", "echo2@2.5", "tick@3.0", "echo3@3.5", "tick@4.0", "echo4@4.5"])
        XCTAssertEqual(s.eventsProcessed, 8)
        XCTAssertEqual(s.now, SimTime(4.5))
    }

    func testQueuedDeliveryRunsBeforeASpontaneousUpdateAtTheSameTime() {
        let t = Ticker(period: 0.5)  // echo of tick k lands exactly on tick k+1
        var s = Scheduler<String>()
        _ = s.run(t)
        XCTAssertEqual(Array(t.log.prefix(4)), ["tick@1.0", "echo1@1.5", "tick@1.5", "echo2@2.0"])
    }

    func testStopsAtTimeLimitEventLimitAndCondition() {
        var s = Scheduler<String>()
        let a = Ticker(period: 1)
        XCTAssertEqual(s.run(a, until: SimTime(2.2)), .timeLimit)
        XCTAssertEqual(a.log.last, "tick@2.0")
        XCTAssertEqual(s.now, SimTime(2.2))
        XCTAssertEqual(s.pending, 1)  // echo2 at 2.5 is still in flight

        var s2 = Scheduler<String>()
        let b = Ticker(period: 1)
        XCTAssertEqual(s2.run(b, maxEvents: 3), .eventLimit)
        XCTAssertEqual(b.log.count, 3)

        var s3 = Scheduler<String>()
        let c = Ticker(period: 1)
        XCTAssertEqual(s3.run(c, checkEvery: 1, stop: { $0.ticks == 2 }), .condition)
        XCTAssertEqual(c.ticks, 2)
    }
}
