import XCTest
import Foundation

/// The sleep phase diagram's search (experiments/sleep-phase.yaml, docs/science.md §4):
/// M_min by bisection, checked against a brute-force scan of every M.
extension CLITests {
    static let sleepCondition = "sleep.fraction_retrieved >= 0.9 and corrupted.fraction_retrieved >= 0.9"
    static let smallSleep = ["--set", "populations.memory.size=60", "--set", "patterns.archetypes.load=0.05",
                             "--set", "protocol.sleep.quality=0.5"]

    /// Per sleep time and seed, against a scan of every M in 1…M_max (the same runs: same
    /// seed, same M, same outputs): bisection's M_min holds and M_min − 1 fails, and where the
    /// scan is monotone M_min is its first success. Near the threshold retrieval is not
    /// monotone in M at N = 60 (one seed here succeeds at 11, fails at 12, succeeds from 13):
    /// there bisection returns one of the 0 → 1 steps, as documented.
    func testSleepPhaseBisectionAgreesWithABruteForceScan() throws {
        let mMax = 40
        let found = try tempDir().appendingPathComponent("b")
        try reverie(["experiment", "models/sleep-phase-diagram.yaml", "-q", "--grid", "protocol.sleep.sleep_time=0,10",
                     "--repeats", "2", "--search", "protocol.sleep.examples_per_archetype=1..\(mMax)", "--until", Self.sleepCondition,
                     "--jobs", "2", "--out", found.path] + Self.smallSleep)
        let scan = try tempDir().appendingPathComponent("s")
        try reverie(["experiment", "models/sleep-phase-diagram.yaml", "-q", "--grid", "protocol.sleep.sleep_time=0,10",
                     "--grid", "protocol.sleep.examples_per_archetype=" + (1...mMax).map(String.init).joined(separator: ","),
                     "--repeats", "2", "--jobs", "2", "--out", scan.path] + Self.smallSleep)
        let runs = try readCSV(scan.appendingPathComponent("runs.csv"))
        let (t, m, seed) = (column(runs, "protocol.sleep.sleep_time"), column(runs, "protocol.sleep.examples_per_archetype"), column(runs, "seed"))
        let (a, b) = (column(runs, "sleep.fraction_retrieved"), column(runs, "corrupted.fraction_retrieved"))
        var holds: [String: [Int: Bool]] = [:], outputs: [String: [Int: [String]]] = [:]
        for k in runs.rows.indices {
            holds[t[k] + "/" + seed[k], default: [:]][Int(m[k])!] = Double(a[k])! >= 0.9 && Double(b[k])! >= 0.9
            outputs[t[k] + "/" + seed[k], default: [:]][Int(m[k])!] = [a[k], b[k]]
        }
        let searched = try readCSV(found.appendingPathComponent("runs.csv"))
        let st = column(searched, "protocol.sleep.sleep_time"), sm = column(searched, "protocol.sleep.examples_per_archetype")
        let ss = column(searched, "seed"), sa = column(searched, "sleep.fraction_retrieved"), sb = column(searched, "corrupted.fraction_retrieved")
        for k in searched.rows.indices { XCTAssertEqual(outputs[st[k] + "/" + ss[k]]?[Int(sm[k])!], [sa[k], sb[k]], "same run, same outputs") }
        let search = try readCSV(found.appendingPathComponent("search.csv"))
        XCTAssertEqual(search.rows.count, 4)
        var minima: [String: Int] = [:], monotone = 0
        for (k, row) in search.rows.enumerated() {
            let key = column(search, "protocol.sleep.sleep_time")[k] + "/" + column(search, "seed")[k]
            let scanned = try XCTUnwrap(holds[key])
            XCTAssertEqual(column(search, "found")[k], "1", "\(row)")
            let value = try XCTUnwrap(Int(column(search, "protocol.sleep.examples_per_archetype")[k]), key)
            XCTAssertTrue(scanned[value]!, "\(key): holds at M_min = \(value)")
            if value > 1 { XCTAssertFalse(scanned[value - 1]!, "\(key): fails at M_min − 1") }
            let first = try XCTUnwrap((1...mMax).first { scanned[$0]! })
            if (first...mMax).allSatisfy({ scanned[$0]! }) {
                XCTAssertEqual(value, first, "\(key): a monotone scan's first success")
                monotone += 1
            }
            XCTAssertLessThanOrEqual(Int(column(search, "evaluations")[k])!, 2 + 6, "bisection, not a scan")
            minima[key] = value
        }
        XCTAssertGreaterThanOrEqual(monotone, 2, "the case checks equality somewhere")
        XCTAssertGreaterThan(minima["0/1"]!, minima["10/1"]!, "sleep lowers M_min at this point")
        XCTAssertGreaterThan(minima["0/2"]!, minima["10/2"]!)

        // The same search again is byte-identical (seeded streams per M and repeat).
        let again = try tempDir().appendingPathComponent("a")
        try reverie(["experiment", "models/sleep-phase-diagram.yaml", "-q", "--grid", "protocol.sleep.sleep_time=0,10",
                     "--repeats", "2", "--search", "protocol.sleep.examples_per_archetype=1..\(mMax)", "--until", Self.sleepCondition,
                     "--jobs", "1", "--out", again.path] + Self.smallSleep)
        XCTAssertEqual(try Data(contentsOf: again.appendingPathComponent("search.csv")),
                       try Data(contentsOf: found.appendingPathComponent("search.csv")))
        XCTAssertEqual(try Data(contentsOf: again.appendingPathComponent("runs.csv")),
                       try Data(contentsOf: found.appendingPathComponent("runs.csv")))
    }

    /// Not reached at M_max: one run, found = 0, no value.
    func testSleepPhaseSearchReportsNotReachedAtMMax() throws {
        let dir = try tempDir().appendingPathComponent("n")
        try reverie(["experiment", "models/sleep-phase-diagram.yaml", "-q", "--set", "protocol.sleep.sleep_time=0",
                     "--set", "patterns.archetypes.load=0.4", "--search", "protocol.sleep.examples_per_archetype=1..200",
                     "--until", Self.sleepCondition, "--out", dir.path] + Self.smallSleep.prefix(2))
        let search = try readCSV(dir.appendingPathComponent("search.csv"))
        XCTAssertEqual(column(search, "found"), ["0"])
        XCTAssertEqual(column(search, "protocol.sleep.examples_per_archetype"), [""])
        XCTAssertEqual(column(search, "evaluations"), ["1"])
    }

    /// Clauses joined by "and" all have to hold; a bad clause names the whole condition.
    func testSearchConditionClausesJoinedByAndMustAllHold() throws {
        let one = try tempDir().appendingPathComponent("o")
        try reverie(["experiment", "models/hopfield-hebbian.yaml", "-q", "--search", "patterns.memories.count=1..40",
                     "--until", "exact.patterns >= 13 and exact.patterns >= 17", "--out", one.path] + Self.smallHebbian)
        XCTAssertEqual(column(try readCSV(one.appendingPathComponent("search.csv")), "patterns.memories.count"), ["17"])
        let swapped = try tempDir().appendingPathComponent("w")
        try reverie(["experiment", "models/hopfield-hebbian.yaml", "-q", "--search", "patterns.memories.count=1..40",
                     "--until", "exact.patterns >= 17 and exact.patterns >= 13", "--out", swapped.path] + Self.smallHebbian)
        XCTAssertEqual(column(try readCSV(swapped.appendingPathComponent("search.csv")), "patterns.memories.count"), ["17"])
        let (_, err) = try reverie(["experiment", "models/hopfield-hebbian.yaml", "--search", "patterns.memories.count=1..40",
                                    "--until", "exact.patterns >= 13 and nonsense", "--out", try tempDir().appendingPathComponent("x").path],
                                   expectStatus: 64)
        XCTAssertTrue(err.contains("exact.patterns >= 13 and nonsense") && err.contains("joined by \" and \""), err)
        let (_, err2) = try reverie(["experiment", "models/hopfield-hebbian.yaml", "--search", "patterns.memories.count=1..40",
                                     "--until", "exact.patterns >= 13 and nowhere.x < 2", "--out", try tempDir().appendingPathComponent("y").path],
                                    expectStatus: 64)
        XCTAssertTrue(err2.contains("nowhere.x is not <phase>.<key>"), err2)
    }
}
