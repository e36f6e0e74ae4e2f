import XCTest
import Foundation
import ReverieKernel
import ReverieTraces
import ReverieTransport
@testable import ReverieWeb

final class LiveStateTests: XCTestCase {
    static let awkward = "</script><img src=x onerror=\"alert(1)\">\\ \n\t\u{1}é"
    let run = RunDescription(modelName: "live", modelSource: "name: live\n", seed: 3, timeUnit: "ms",
                             populations: [.init(name: "exc", model: "lif", firstID: 0, size: 10_000),
                                           .init(name: awkward, model: "binary", firstID: 10_000, size: 100)],
                             phases: ["learn", "test"], metrics: ["overlap", "fraction_stable"])

    func frame(_ f: StreamFixture, _ cursor: inout ClientCursor) throws -> DecodedFrame {
        try DecodedFrame(f.state.encodeFrame(for: &cursor, framesDropped: 0))
    }

    func testCountsSpikesAndFlipsPerPopulationAndSendsTheRunNamesAsText() throws {
        var f = StreamFixture(run: run)
        try f.feed(f.runMessage())
        try f.feed((0..<500).map { TraceRecord.spike(NeuronID(UInt32($0 * 7)), at: SimTime(Double($0) * 0.1)) })
        let flips: [TraceRecord] = (0..<40).map { (k: Int) -> TraceRecord in
            let s: Double = k % 2 == 0 ? 1 : -1
            return .state(NeuronID(UInt32(10_000 + k)), s, at: SimTime(50 + Double(k)))
        }
        try f.feed(flips)
        try f.feed([TraceRecord.state(NeuronID(10_001), 0.5, at: SimTime(95))])  // not a ±1 change
        f.state.tick(wall: 0.1)
        var cursor = ClientCursor()
        let d = try frame(f, &cursor)
        XCTAssertEqual(d["totals", "spikes"] as? [Int], [500, 0])
        XCTAssertEqual(d["totals", "flips"] as? [Int], [0, 40])
        XCTAssertEqual(d["totals", "records"] as? Int, 541)
        let pops = d["run", "populations"] as! [[String: Any]]
        XCTAssertEqual(pops[1]["name"] as? String, Self.awkward)  // escaped in JSON, decoded back exactly
        // The first frame has every unit's events (10 000 units: a 512-unit subset), exact times, marks.
        let exc = (0..<d.times.count).filter { d.populations[$0] == 0 }
        XCTAssertEqual(exc.count, (0..<500).filter { RasterDecimator(size: 10_000, budget: 4000).shows($0 * 7) }.count)
        for k in exc { XCTAssertEqual(d.times[k], Double(d.units[k] / 7) * 0.1, accuracy: 1e-12); XCTAssertEqual(d.marks[k], 1) }
        let bin = (0..<d.times.count).filter { d.populations[$0] == 1 }
        XCTAssertEqual(bin.map { d.units[$0] }, (0..<40).map(UInt32.init))
        XCTAssertEqual(bin.map { d.marks[$0] }, (0..<40).map { $0 % 2 == 0 ? 2 : 3 })
        // A second frame carries only what is new; the run description is not repeated.
        try f.feed([TraceRecord.spike(NeuronID(0), at: SimTime(200))])
        f.state.tick(wall: 0.2)
        let d2 = try frame(f, &cursor)
        XCTAssertNil(d2["run"])
        XCTAssertEqual(d2.times, [200])
        // Rates: bins of simulated time, two populations interleaved; 0.25 wide for t ≤ 95, 0.5 once t = 200 arrives.
        XCTAssertEqual(d["series", "rates", "width"] as? Double, 0.25)
        XCTAssertEqual(d2["series", "rates", "width"] as? Double, 0.5)
        let counts = d2["series", "rates", "counts"] as! [Int]
        XCTAssertEqual(stride(from: 0, to: counts.count, by: 2).map { counts[$0] }.reduce(0, +), 501)
        XCTAssertEqual(stride(from: 1, to: counts.count, by: 2).map { counts[$0] }.reduce(0, +), 40)
        XCTAssertEqual(counts[400 * 2], 1)  // t = 200 in bin 400
        XCTAssertNil(try frame(f, &cursor)["series", "rates"] as? [String: Any])  // unchanged: not resent
    }

    func testGapsAreCountedPerTopicFromSequenceNumbersAndTheEndTotals() throws {
        var f = StreamFixture(run: run)
        try f.feed(f.runMessage())
        try f.feed([TraceRecord.spike(NeuronID(1), at: SimTime(1))])
        try f.feed([TraceRecord.spike(NeuronID(2), at: SimTime(2))], skip: 3, skippedRecords: 30)
        let end = #"{"dropped_messages": 5, "dropped_records": 31, "messages": {"rv.spike": 6, "rv.metric": 1}, "records": {"rv.spike": 33, "rv.metric": 1}}"#
        try f.feed(StreamMessage(frames: [Array(StreamTopic.end.utf8), StreamHeader(count: 0, seq: 0, first: 0).bytes, Array(end.utf8)]))
        f.state.tick(wall: 0.1)
        var cursor = ClientCursor()
        let d = try frame(f, &cursor)
        // seq jumped 1 → 4 (3 messages, 30 records); the end says 6 spike messages (1 more, 1 record) and 1 metric.
        XCTAssertEqual(d["totals", "topics", "rv.spike", "gapMessages"] as? Int, 4)
        XCTAssertEqual(d["totals", "topics", "rv.spike", "gapRecords"] as? Int, 31)
        XCTAssertEqual(d["totals", "topics", "rv.metric", "gapMessages"] as? Int, 1)
        XCTAssertEqual(d["totals", "gapMessages"] as? Int, 5)
        XCTAssertEqual(d["ended"] as? Bool, true)
        XCTAssertEqual(d["end"] as? String, end)
        XCTAssertNil(try frame(f, &cursor)["end"])  // sent once
    }

    func testAFastPopulationIsDecimatedAcrossTheWholeBurstAndTheSubsetShrinks() throws {
        var f = StreamFixture(run: run)
        try f.feed(f.runMessage())
        var t = 0.0
        func burst(_ n: Int) throws {
            for chunk in stride(from: 0, to: n, by: 8192) {
                try f.feed((chunk..<min(n, chunk + 8192)).map { k in
                    t += 1e-4
                    return TraceRecord.spike(NeuronID(UInt32(k % 10_000)), at: SimTime(t))
                })
            }
        }
        var cursor = ClientCursor()
        try burst(1_000_000)  // 100 spikes per unit in one frame
        f.state.tick(wall: 0.1)
        let d = try frame(f, &cursor)
        // 512 units until 4000 events, then halving every 500 down to 8 units: 6753 events.
        XCTAssertEqual(d.times.count, 6753)
        XCTAssertGreaterThan(d.times.max()!, 0.99 * t)  // thinned over the whole burst, not cut after its start
        XCTAssertEqual(d["totals", "spikes"] as? [Int], [1_000_000, 0])
        // For half the budget at this rate (100 per unit per frame) 20 units, but at most twice the 8 it ended with.
        let rows = (d["raster", "rows"] as? [Int])!.first!
        XCTAssertEqual(rows, 16)
        try burst(10_000)  // 1 per unit: every shown unit once, then the subset doubles back
        f.state.tick(wall: 0.2)
        let d2 = try frame(f, &cursor)
        XCTAssertEqual(d2.times.count, rows)
        XCTAssertEqual(Set(d2.units).count, rows)
        XCTAssertEqual((d2["raster", "rows"] as? [Int])?.first, 2 * rows)
    }

    func testAFrameSendsAtMostTwiceTheBudgetPerPopulation() {
        var d = RasterDecimator(size: 100_000, budget: 4000)
        let sent = (0..<10_000).filter { _ in d.admit(0) }.count  // unit 0 is in every subset
        XCTAssertEqual(sent, 8000)
        XCTAssertEqual(d.omitted, 2000)
        XCTAssertEqual(d.rows, RasterDecimator.minRows)
    }

    func testAClientThatFellBehindGetsTheNewestRasterAndCountsTheRest() throws {
        var f = StreamFixture(run: run)
        try f.feed(f.runMessage())
        var reader = ClientCursor()
        _ = try frame(f, &reader)
        var t = 0.0
        // 100 frames of 4000 events of unit 0 (always shown): 400 000 > the ring's 262 144.
        for k in 0..<100 {
            try f.feed((0..<4000).map { _ in t += 1e-3; return TraceRecord.spike(NeuronID(0), at: SimTime(t)) })
            f.state.tick(wall: Double(k))
        }
        let d = try frame(f, &reader)
        XCTAssertEqual(d.times.count, LiveState.maxRasterPerFrame)
        XCTAssertEqual(d["client", "rasterDropped"] as? Int, 400_000 - LiveState.maxRasterPerFrame)
        XCTAssertEqual(d.times.last, t)  // the newest events
    }

    func testSeriesStayBoundedAndAReaderReloadsAfterAMerge() throws {
        var s = BoundedSeries(width: 2, capacity: 4)
        var cursor = BoundedSeries.Cursor()
        for k in 1...4 { s.append([Double(k), 10]) }
        XCTAssertEqual(s.delta(after: cursor)?.from, 0)
        cursor = s.cursor
        XCTAssertNil(s.delta(after: cursor))
        s.append([5, 10])  // full: every second point goes
        XCTAssertEqual(s.values, [1, 10, 3, 10, 5, 10])
        let d = s.delta(after: cursor)!
        XCTAssertEqual(d.from, 0)
        XCTAssertEqual(Array(d.points), s.values)
        for x in 0..<1000 { s.append([Double(x), 0]) }
        XCTAssertLessThanOrEqual(s.count, 4)
    }

    func testRateBinsKeepEveryEventAndAtMost512Bins() {
        var bins = RateBins(populations: 2)
        for t in 0..<1000 { bins.add(Double(t), population: t % 2) }
        XCTAssertEqual(bins.origin, 0)
        XCTAssertEqual(bins.width, 2)  // 2⁻¹⁰ doubled until t = 999 fits in 512 bins
        XCTAssertEqual(bins.bins, 500)
        XCTAssertEqual(bins.counts, Array(repeating: 1, count: 1000))  // bin k holds t = 2k (population 0) and 2k + 1 (1)
        bins.add(-5, population: 0)      // before the first bin: not binned
        bins.add(.nan, population: 0)
        XCTAssertEqual(bins.counts.reduce(0, +), 1000)
        var late = RateBins(populations: 1)
        late.add(1000.3, population: 0)  // the origin is the first event's bin, merges keep it on the grid
        late.add(3000, population: 0)
        XCTAssertEqual(late.counts.reduce(0, +), 2)
        XCTAssertLessThanOrEqual(late.bins, RateBins.capacity)
        XCTAssertEqual(late.origin!.truncatingRemainder(dividingBy: late.width), 0)
        XCTAssertLessThanOrEqual(late.origin!, 1000.3)
    }

    func testWeightSnapshotsGiveAHistogramAndStatistics() throws {
        var f = StreamFixture(run: run)
        try f.feed(f.runMessage())
        let values = (0..<200_000).map { Double($0 % 100) / 100 }  // uniform on [0, 0.99]
        for chunk in stride(from: 0, to: values.count, by: 8192) {
            try f.feed((chunk..<min(values.count, chunk + 8192)).map {
                TraceRecord.weight(pre: NeuronID(UInt32($0 % 1000)), post: NeuronID(UInt32($0 / 1000)), values[$0], at: SimTime(7))
            })
        }
        try f.feed([TraceRecord(kind: .phase, time: SimTime(7), unit: 1, aux: 0)])  // ends the snapshot
        f.state.tick(wall: 0.1)
        var cursor = ClientCursor()
        let d = try frame(f, &cursor)
        let stats = d["histogram", "stats"] as! [Double]
        XCTAssertEqual(stats[0], 7)
        XCTAssertEqual(stats[1], 200_000)
        XCTAssertEqual(stats[2], 0.495, accuracy: 1e-9)
        XCTAssertEqual(stats[4], 0); XCTAssertEqual(stats[5], 0.99)
        let bins = d["histogram", "bins"] as! [Double]
        XCTAssertEqual(bins.count, WeightSnapshot.bins)
        XCTAssertEqual(bins.reduce(0, +), 200_000)  // 65 536 kept at stride 4 stand for all 200 000 (rounded to the stride)
        XCTAssertEqual((d["series", "weights", "points"] as! [Double]).count, 6)
        XCTAssertEqual(d["series", "phases", "points"] as? [Double], [7, 1, 0])
    }

    func testMetricsCarryTheirItemAndPhase() throws {
        var f = StreamFixture(run: run)
        try f.feed(f.runMessage())
        try f.feed([TraceRecord(kind: .phase, time: SimTime(1), unit: 1, aux: 0)])
        try f.feed((0..<3).map { TraceRecord(kind: .metric, time: SimTime(2), unit: 0, aux: UInt32($0), value: 0.5 + Double($0)) })
        f.state.tick(wall: 0.1)
        var cursor = ClientCursor()
        let d = try frame(f, &cursor)
        XCTAssertEqual(d["series", "metrics", "0", "points"] as? [Double], [2, 0, 0.5, 1, 2, 1, 1.5, 1, 2, 2, 2.5, 1])
    }
}
