import XCTest
@testable import ReverieKernel

/// Times and widths from files never trap the spike queues (issue 14): they are
/// refused and counted (NaN, ±∞) or kept until their slot (beyond the horizon).
final class DelaySlotRingTests: XCTestCase {
    func drainAll<Q: SpikeArrivalQueue>(_ q: inout Q, slots: Int) -> [[SpikeArrival]] {
        var out: [SpikeArrival] = []
        return (0..<slots).map { k in q.drain(slot: k, into: &out); return out }
    }

    func testNonFiniteArrivalTimesAreRefusedAndCounted() {
        var ring = DelaySlotRing(slotWidth: 0.5, maxDelay: 2)
        var heap = HeapSpikeQueue(slotWidth: 0.5)
        for t in [-Double.infinity, .nan, .infinity, 1.2] {
            ring.schedule(SpikeArrival(time: t, emitted: 0, sender: 0, source: 1, projection: 0))
            heap.schedule(SpikeArrival(time: t, emitted: 0, sender: 0, source: 1, projection: 0))
        }
        XCTAssertEqual(ring.rejected, 3)
        XCTAssertEqual(heap.rejected, 3)
        XCTAssertEqual(ring.count, 1)
        XCTAssertEqual(drainAll(&ring, slots: 4).map { $0.map(\.time) }, [[], [], [1.2], []])
        XCTAssertEqual(drainAll(&heap, slots: 4).map { $0.map(\.time) }, [[], [], [1.2], []])
    }

    func testArrivalsBeyondTheHorizonWaitForTheirSlot() {
        // maxDelay 1 covers 3 slots ahead; arrivals up to 1e300 are scheduled anyway.
        var ring = DelaySlotRing(slotWidth: 0.5, maxDelay: 1)
        for t in [7.25, 1e300, 0.75, 3.0, -5.0, 7.0] { ring.schedule(SpikeArrival(time: t, emitted: 0, sender: 0, source: 0, projection: 0)) }
        XCTAssertEqual(ring.count, 6)
        let slots = drainAll(&ring, slots: 16)
        XCTAssertEqual(slots[0].map(\.time), [-5.0])   // in the past: the earliest open slot
        XCTAssertEqual(slots[1].map(\.time), [0.75])
        XCTAssertEqual(slots[6].map(\.time), [3.0])
        XCTAssertEqual(slots[14].map(\.time), [7.0, 7.25])
        XCTAssertEqual(ring.count, 1)                  // 1e300 still waiting, no trap
        var out: [SpikeArrival] = []
        ring.drain(slot: Int(1e300 / 0.5 / 1e290), into: &out)
        XCTAssertEqual(ring.count, 1)
    }

    func testTinyWidthsCapTheRing() {
        var ring = DelaySlotRing(slotWidth: 1e-300, maxDelay: 1)
        XCTAssertEqual(ring.slots.count, DelaySlotRing.maxSlots)
        ring.schedule(SpikeArrival(time: 1e-299, emitted: 0, sender: 0, source: 2, projection: 0))
        ring.schedule(SpikeArrival(time: 0.5, emitted: 0, sender: 0, source: 3, projection: 0))
        var out: [SpikeArrival] = []
        ring.drain(slot: 10, into: &out)
        XCTAssertEqual(out.map(\.source), [2])
        for width in [0.0, -1, .nan, .infinity] {
            var odd = DelaySlotRing(slotWidth: width, maxDelay: 1)
            odd.schedule(SpikeArrival(time: 1, emitted: 0, sender: 0, source: 0, projection: 0))
            odd.drain(slot: 0, into: &out)   // no trap, whatever it hands out
        }
    }

    func testSkippedAndRepeatedSlotsDoNotTrap() {
        var ring = DelaySlotRing(slotWidth: 1, maxDelay: 2)
        ring.schedule(SpikeArrival(time: 0.5, emitted: 0, sender: 0, source: 0, projection: 0))
        ring.schedule(SpikeArrival(time: 2.5, emitted: 0, sender: 0, source: 1, projection: 0))
        var out: [SpikeArrival] = []
        ring.drain(slot: 2, into: &out)    // slot 0 skipped: its arrival is late, handed out first
        XCTAssertEqual(out.map(\.source), [0, 1])
        ring.drain(slot: 1, into: &out)    // already drained
        XCTAssertEqual(out, [])
        XCTAssertEqual(ring.count, 0)
    }

    func testRingAndHeapAgreeWithArrivalsBeyondTheHorizon() {
        var rng = RandomStream(seed: 3)
        var ring = DelaySlotRing(slotWidth: 0.1, maxDelay: 0.3)
        var heap = HeapSpikeQueue(slotWidth: 0.1)
        var out: (ring: [SpikeArrival], heap: [SpikeArrival]) = ([], [])
        for k in 0..<400 {
            for _ in 0..<rng.nextInt(below: 4) {
                // Delays up to 20 slot widths, beyond the ring's 3.
                let a = SpikeArrival(time: Double(k) * 0.1 + rng.nextUnit() * 2, emitted: 0, sender: 0, source: UInt32(rng.nextInt(below: 100)), projection: 0)
                ring.schedule(a); heap.schedule(a)
            }
            ring.drain(slot: k, into: &out.ring)
            heap.drain(slot: k, into: &out.heap)
            XCTAssertEqual(out.ring, out.heap, "slot \(k)")
        }
    }

    /// A slot's arrivals queued in one call land where one call each puts them: across
    /// the ring's wrap, in the past, beyond the horizon and not finite.
    func testBatchesAreQueuedAsOneByOne() {
        var rng = RandomStream(seed: 5)
        var batched = DelaySlotRing(slotWidth: 0.1, maxDelay: 0.3), single = batched
        var out: (batched: [SpikeArrival], single: [SpikeArrival]) = ([], [])
        for k in 0..<500 {
            let batch = (0..<rng.nextInt(below: 6)).map { _ in
                let u = rng.nextUnit()
                // Up to 6 slots ahead (the ring holds 5), 10 back, or not finite.
                let time = u < 0.02 ? .nan : u < 0.04 ? .infinity : u < 0.08 ? Double(k) * 0.1 - 1 : Double(k) * 0.1 + rng.nextUnit() * 0.6
                return SpikeArrival(time: time, emitted: 0, sender: 0, source: UInt32(rng.nextInt(below: 100)), projection: 0)
            }
            batched.schedule(contentsOf: batch)
            for a in batch { single.schedule(a) }
            XCTAssertEqual(batched.count, single.count)
            batched.drain(slot: k, into: &out.batched)
            single.drain(slot: k, into: &out.single)
            XCTAssertEqual(out.batched, out.single, "slot \(k)")
        }
        XCTAssertEqual(batched.rejected, single.rejected)
        XCTAssertGreaterThan(batched.rejected, 0)
    }

    /// Arrivals at one time come out in (emitted, sender, projection, source) order
    /// whatever order they were queued in, so the slots of two queues, each holding
    /// some senders' arrivals, merge into the slots of one queue holding all.
    func testSlotsComeOutInArrivalOrderAndMerge() {
        var rng = RandomStream(seed: 9)
        // Few distinct times: many ties.
        let all = (0..<400).map { _ in
            SpikeArrival(time: Double(rng.nextInt(below: 8)) * 0.25, emitted: -Double(rng.nextInt(below: 3)),
                         sender: UInt32(rng.nextInt(below: 6)), source: UInt32(rng.nextInt(below: 4)), projection: UInt32(rng.nextInt(below: 3)))
        }
        var one = DelaySlotRing(slotWidth: 1, maxDelay: 2), heap = HeapSpikeQueue(slotWidth: 1)
        var halves = (DelaySlotRing(slotWidth: 1, maxDelay: 2), DelaySlotRing(slotWidth: 1, maxDelay: 2))
        for a in all.reversed() { one.schedule(a) }
        for a in all { heap.schedule(a) }
        for a in all { if a.sender % 2 == 0 { halves.0.schedule(a) } else { halves.1.schedule(a) } }
        var out = [SpikeArrival](), h = out, x = out, y = out, merged = out
        for k in 0..<2 {
            one.drain(slot: k, into: &out)
            heap.drain(slot: k, into: &h)
            halves.0.drain(slot: k, into: &x)
            halves.1.drain(slot: k, into: &y)
            SpikeArrival.merge(x, y, into: &merged)
            XCTAssertEqual(out.count, all.filter { Int($0.time) == k }.count)
            XCTAssertTrue(zip(out, out.dropFirst()).allSatisfy { SpikeArrival.precedes($0, $1) || $0 == $1 }, "slot \(k)")
            XCTAssertEqual(h, out)
            XCTAssertEqual(merged, out)
        }
    }
}
