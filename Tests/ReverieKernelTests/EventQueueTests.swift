import XCTest
import ReverieKernel

final class EventQueueTests: XCTestCase {
    func testOrdersByTimeThenPhaseThenInsertion() {
        var q = EventQueue<String>()
        q.push("late", at: SimTime(2), phase: .delivery)
        q.push("update-a", at: SimTime(1), phase: .update)
        q.push("delivery", at: SimTime(1), phase: .delivery)
        q.push("update-b", at: SimTime(1), phase: .update)
        q.push("stimulus", at: SimTime(1), phase: .stimulus)
        q.push("early", at: SimTime(0.5), phase: .update)
        var order: [String] = []
        while let e = q.pop() { order.append(e.payload) }
        XCTAssertEqual(order, ["early", "stimulus", "delivery", "update-a", "update-b", "late"])
    }

    func testManyTiesKeepInsertionOrder() {
        var q = EventQueue<Int>()
        var rng = RandomStream(seed: 3)
        // 2000 events on 10 distinct times: within a time, insertion order must survive the heap.
        for k in 0..<2000 { q.push(k, at: SimTime(Double(rng.nextInt(below: 10))), phase: .delivery) }
        var last = (time: -1.0, payload: -1)
        while let e = q.pop() {
            XCTAssertTrue(e.time.value > last.time || (e.time.value == last.time && e.payload > last.payload))
            last = (e.time.value, e.payload)
        }
    }
}
