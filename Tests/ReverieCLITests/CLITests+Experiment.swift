import XCTest
import Foundation

/// `reverie experiment`: sweeps of a model over a grid × repeats, end to end.
extension CLITests {
    static let smallHebbian = ["--set", "populations.memory.size=60"]

    /// A CSV file (RFC 4180 quoting) as its header and rows of cells.
    func readCSV(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws -> (columns: [String], rows: [[String]]) {
        let chars = Array(try String(contentsOf: url, encoding: .utf8))
        var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false, i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted && c == "\"" && i + 1 < chars.count && chars[i + 1] == "\"" { cell.append("\""); i += 1 }
            else if c == "\"" { quoted.toggle() }
            else if quoted { cell.append(c) }
            else if c == "," { row.append(cell); cell = "" }
            else if c == "\n" { row.append(cell); rows.append(row); row = []; cell = "" }
            else { cell.append(c) }
            i += 1
        }
        let header = rows.removeFirst()
        for r in rows { XCTAssertEqual(r.count, header.count, "ragged row in \(url.lastPathComponent): \(r)", file: file, line: line) }
        return (header, rows)
    }

    func column(_ t: (columns: [String], rows: [[String]]), _ name: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        guard let k = t.columns.firstIndex(of: name) else {
            XCTFail("no column \(name) in \(t.columns)", file: file, line: line)
            return []
        }
        return t.rows.map { $0[k] }
    }

    /// Every file under `dir` (relative path → bytes).
    func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = dir.standardizedFileURL.path
        for case let url as URL in FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)! {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir)
            if !isDir.boolValue { out[String(url.standardizedFileURL.path.dropFirst(base.count + 1))] = try Data(contentsOf: url) }
        }
        return out
    }

    /// The phase summaries of a `reverie run --out` directory (JSONDecoder: it reads doubles exactly).
    func phaseSummaries(_ dir: URL) throws -> [(name: String, summary: [String: Double])] {
        struct Report: Decodable {
            struct Phase: Decodable { var name: String; var summary: [String: Double] }
            var phases: [Phase]
        }
        return try JSONDecoder().decode(Report.self, from: Data(contentsOf: dir.appendingPathComponent("summary.json"))).phases.map { ($0.name, $0.summary) }
    }

    func testGridTimesRepeatsGivesOneRowPerRunWithThatRunsValues() throws {
        let dir = try tempDir().appendingPathComponent("sweep")
        let (out, err) = try reverie(["experiment", "models/hopfield-hebbian.yaml"] + Self.smallHebbian
                                     + ["--grid", "patterns.memories.count=4,8,12", "--repeats", "2", "--out", dir.path])
        XCTAssertTrue(out.contains("6 runs"), out)
        XCTAssertTrue(err.contains("experiment: run 6 of 6, elapsed"), err)   // stderr is a pipe: plain progress lines
        let runs = try readCSV(dir.appendingPathComponent("runs.csv"))
        XCTAssertEqual(Array(runs.columns.prefix(4)), ["patterns.memories.count", "repeat", "seed", "learn-1.patterns"])
        XCTAssertEqual(column(runs, "patterns.memories.count"), ["4", "4", "8", "8", "12", "12"])
        XCTAssertEqual(column(runs, "repeat"), ["0", "1", "0", "1", "0", "1"])
        XCTAssertEqual(column(runs, "seed"), ["1", "2", "1", "2", "1", "2"])   // the model's seed 1 + repeat
        XCTAssertEqual(column(runs, "exact.patterns"), column(runs, "patterns.memories.count"))
        XCTAssertEqual(try readCSV(dir.appendingPathComponent("exact.csv")).rows.count, (4 + 8 + 12) * 2)
        let corrupted = try readCSV(dir.appendingPathComponent("corrupted.csv"))
        XCTAssertEqual(corrupted.rows.count, (4 + 8 + 12) * 2 * 2)   // two trials per pattern
        XCTAssertEqual(Array(corrupted.columns.prefix(4)), ["patterns.memories.count", "repeat", "seed", "pattern"])

        // The row of (count 8, repeat 1) is what `reverie run` gives with those overrides and seed 2.
        let single = try tempDir()
        try reverie(["run", "models/hopfield-hebbian.yaml", "-q", "--seed", "2", "--set", "patterns.memories.count=8", "--out", single.path] + Self.smallHebbian)
        let phases = try phaseSummaries(single)
        XCTAssertEqual(phases.map(\.name), ["learn-1", "exact", "corrupted"])
        for phase in phases {
            for (key, value) in phase.summary {
                XCTAssertEqual(Double(column(runs, "\(phase.name).\(key)")[3]), value, "\(phase.name).\(key)")
            }
        }
        let alone = try readCSV(single.appendingPathComponent("corrupted.csv"))
        let mine = corrupted.rows.filter { $0[0] == "8" && $0[1] == "1" }.map { Array($0.dropFirst(3)) }
        XCTAssertEqual(mine, alone.rows)

        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("sweep.json"))) as! [String: Any]
        let part = (record["parts"] as! [[String: Any]])[0]
        XCTAssertEqual(part["runs"] as? Int, 6)
        XCTAssertEqual(part["base_seed"] as? Int, 1)
        XCTAssertEqual(part["model"] as? String, "models/hopfield-hebbian.yaml")
        XCTAssertEqual(record["overrides"] as? [String], ["populations.memory.size=60"])
        // Default plots: every summary value that varies, against the first axis.
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("plots/exact.mean_final_overlap.svg").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("plots/exact.initial_overlap.svg").path))
    }

    func testSweepOutputsAreByteIdenticalAcrossRunsAndThreadCounts() throws {
        let root = try tempDir()
        // The first points are slow (N = 200), the last fast: with threads they finish out of order.
        let args = ["experiment", "experiments/capacity.yaml", "--grid", "populations.memory.size=200,30", "--grid", "alpha=0.05,0.1,0.2",
                    "--repeats", "2", "-q"]
        try reverie(args + ["--out", root.appendingPathComponent("a").path])
        try reverie(args + ["--out", root.appendingPathComponent("b").path])
        try reverie(args + ["--out", root.appendingPathComponent("c").path, "--jobs", "2"])
        try reverie(args + ["--out", root.appendingPathComponent("d").path, "--jobs", "3"])
        let a = try files(root.appendingPathComponent("a"))
        XCTAssertEqual(a.keys.sorted(), ["capacity.svg", "corrupted.csv", "exact.csv", "runs.csv", "sweep.json"])
        for other in ["b", "c", "d"] { XCTAssertEqual(try files(root.appendingPathComponent(other)), a, other) }
        try reverie(args + ["--out", root.appendingPathComponent("e").path, "--seed", "7"])
        XCTAssertNotEqual(try files(root.appendingPathComponent("e"))["runs.csv"], a["runs.csv"])
    }

    func testSweepFileWorksFromAnotherDirectoryAndNeverTouchesResults() throws {
        let results = Self.repo.appendingPathComponent("results")
        func stamp() throws -> [String: Date] {
            var s: [String: Date] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: results.path) {
                s[name] = try FileManager.default.attributesOfItem(atPath: results.appendingPathComponent(name).path)[.modificationDate] as? Date
            }
            return s
        }
        let before = try stamp()
        let elsewhere = try tempDir()
        let sweep = Self.repo.appendingPathComponent("experiments/capacity.yaml").path
        let args = Self.smallHebbian + ["--grid", "alpha=0.05,0.2", "--repeats", "1", "-q"]
        try reverie(["experiment", sweep] + args + ["--out", "out"], in: elsewhere)   // --out is relative to the working directory
        let here = try tempDir()
        try reverie(["experiment", "experiments/capacity.yaml"] + args + ["--out", here.path])
        let there = try files(elsewhere.appendingPathComponent("out"))
        XCTAssertEqual(there["runs.csv"], try files(here)["runs.csv"])
        XCTAssertNotNil(there["capacity.svg"])
        XCTAssertEqual(try stamp(), before)
    }

    func testRefusesANonEmptyOutputDirectoryUnlessForced() throws {
        let dir = try tempDir()
        let keep = dir.appendingPathComponent("keep.txt")
        try "mine".write(to: keep, atomically: true, encoding: .utf8)
        let args = ["experiment", "models/hopfield-hebbian.yaml"] + Self.smallHebbian + ["--grid", "patterns.memories.count=3", "-q"]
        let (_, err) = try reverie(args + ["--out", dir.path], expectStatus: 64)
        XCTAssertTrue(err.contains("is not empty") && err.contains("--force"), err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["keep.txt"])
        let (_, err2) = try reverie(args + ["--out", keep.path], expectStatus: 64)
        XCTAssertTrue(err2.contains("is a file"), err2)
        try reverie(args + ["--out", dir.path, "--force"])
        XCTAssertEqual(try String(contentsOf: keep, encoding: .utf8), "mine")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs.csv").path))
        // --out is required: there is no default directory (--dry-run only prints the plan).
        let (_, err3) = try reverie(["experiment", "models/hopfield-hebbian.yaml"], expectStatus: 64)
        XCTAssertTrue(err3.contains("--out DIR is required"), err3)
        let (plan, _) = try reverie(args + ["--dry-run"])
        XCTAssertTrue(plan.contains("1 grid point × 1 repeat = 1 run") && plan.contains("grid patterns.memories.count: 3"), plan)
    }

    func testEveryShippedSweepFileRunsShrunk() throws {
        let shrink: [String: [String]] = [
            "capacity.yaml": Self.smallHebbian + ["--grid", "alpha=0.05,0.2", "--repeats", "2"],
            "unlearning.yaml": ["--set", "populations.memory.size=60", "--set", "protocol.dreaming.dreams=300",
                                "--set", "protocol.dreaming.measure_every=50", "--grid", "alpha=0.1,0.3"],
            "dam-capacity.yaml": ["--grid", "K=6,12", "--repeats", "1", "--set", "protocol.exact.sample=10",
                                  "--set", "protocol.corrupted.sample=10"],
            "dam-sequential.yaml": ["--grid", "method=naive,ewc", "--grid", "degree=2,3", "--repeats", "1",
                                    "--set", "protocol.tasks.epochs=1", "--set", "protocol.tasks.tasks=2",
                                    "--set", "populations.visible.memories=20"],
            "sleep.yaml": ["--set", "populations.memory.size=40", "--grid", "sleep_time=0,100", "--grid", "alpha=0.1,0.3",
                           "--grid", "probes=2000,8000"],
            "sleep-phase.yaml": ["--set", "populations.memory.size=40", "--grid", "alpha=0.1,0.3",
                                 "--grid", "r=0.4", "--grid", "sleep_time=0,inf", "--grid", "variant=baseline", "--repeats", "1"],
            "pc.yaml": ["--set", "populations.memory.size=12", "--grid", "flipped_bits=0,5", "--grid", "alpha=0.1,0.2", "--repeats", "1"]
                + ["pc-corruption", "pc-load"].flatMap { ["--set", "\($0):protocol[0].epochs=1", "--set", "\($0):protocol[0].hold_time=0.2",
                                                          "--set", "\($0):protocol.recall.recall_time=0.2"] },
        ]
        let shipped = try FileManager.default.contentsOfDirectory(atPath: Self.repo.appendingPathComponent("experiments").path).filter { $0.hasSuffix(".yaml") }
        XCTAssertEqual(shipped.sorted(), shrink.keys.sorted(), "every shipped sweep file is run here")
        let root = try tempDir()
        for (name, args) in shrink.sorted(by: { $0.key < $1.key }) {
            let out = root.appendingPathComponent(name)
            try reverie(["experiment", "experiments/\(name)", "-q", "--jobs", "2", "--out", out.path] + args)
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("sweep.json"))) as! [String: Any]
            for part in record["parts"] as! [[String: Any]] {
                for f in part["files"] as! [String] {
                    let url = out.appendingPathComponent(part["directory"] as! String).appendingPathComponent(f)
                    XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), "\(name): \(url.path)")
                    if f.hasSuffix(".svg") { XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).contains("<polyline"), f) }
                }
            }
            for plot in record["plots"] as! [String] {
                XCTAssertTrue(try String(contentsOf: out.appendingPathComponent(plot), encoding: .utf8).contains("<polyline"), plot)
            }
        }
        let capacity = root.appendingPathComponent("capacity.yaml")
        XCTAssertEqual(column(try readCSV(capacity.appendingPathComponent("runs.csv")), "alpha"), ["0.05", "0.05", "0.2", "0.2"])
        let capacitySVG = try String(contentsOf: capacity.appendingPathComponent("capacity.svg"), encoding: .utf8)
        XCTAssertTrue(capacitySVG.contains("α_c ≈ 0.138") && capacitySVG.contains("<path d="), "reference line and SEM bars")
        // Unlearning: the dream phase's curves, one row per α and record (dreams 0, 50, …, 300).
        let dreaming = try readCSV(root.appendingPathComponent("unlearning.yaml/dreaming.csv"))
        XCTAssertEqual(column(dreaming, "alpha"), Array(repeating: "0.1", count: 7) + Array(repeating: "0.3", count: 7))
        XCTAssertEqual(column(dreaming, "dreams").prefix(7), ["0", "50", "100", "150", "200", "250", "300"])
        XCTAssertTrue(dreaming.columns.contains("overlap_from_0.8"))
        // Sleep: one search per sleep time, and the grids of the other two parts.
        let sleep = root.appendingPathComponent("sleep.yaml")
        let search = try readCSV(sleep.appendingPathComponent("min-examples/search.csv"))
        XCTAssertEqual(column(search, "sleep_time"), ["0", "100"])
        XCTAssertEqual(try readCSV(sleep.appendingPathComponent("alpha/runs.csv")).rows.count, 2 * 2)
        XCTAssertEqual(column(try readCSV(sleep.appendingPathComponent("distance/runs.csv")), "probes"), ["2000", "8000"])
        // Sleep phase: one search per (α, r, t) in every part; the choices' variant sets both its fields.
        let phase = root.appendingPathComponent("sleep-phase.yaml")
        XCTAssertEqual(column(try readCSV(phase.appendingPathComponent("plane/search.csv")), "sleep_time"), ["0", "inf", "0", "inf"])
        let choices = try readCSV(phase.appendingPathComponent("choices/search.csv"))
        XCTAssertEqual(column(choices, "variant"), Array(repeating: "baseline", count: 4))
        XCTAssertEqual(column(try readCSV(phase.appendingPathComponent("temperature/search.csv")), "found").count, 4)
        // PC: both networks, two corruption levels and two loads; the Hebbian's linked axis sets m0 from the flips.
        let pc = root.appendingPathComponent("pc.yaml")
        let hebbian = try readCSV(pc.appendingPathComponent("hebbian-corruption/runs.csv"))
        XCTAssertEqual(column(hebbian, "flipped_bits"), ["0", "5"])
        XCTAssertEqual(column(hebbian, "protocol.corrupted.initial_overlap"), ["1", "0.9"])
        XCTAssertEqual(column(hebbian, "corrupted.initial_overlap"), ["1", "0.9"])
        XCTAssertEqual(column(try readCSV(pc.appendingPathComponent("pc-load/runs.csv")), "recall.flipped_bits"), ["10", "10"])
        XCTAssertTrue(try String(contentsOf: pc.appendingPathComponent("corruption.svg"), encoding: .utf8).contains("Hebbian: exact"))
        // The file asks for its plots: its parts get no default plots.
        XCTAssertFalse(FileManager.default.fileExists(atPath: pc.appendingPathComponent("pc-load/plots").path))
    }

    func testSearchFindsTheBoundaryByBisection() throws {
        // exact.patterns ≥ 13 holds from count 13 on: bisection over 1…40 evaluates 40, 1, 20, 10, 15, 12, 13.
        let dir = try tempDir().appendingPathComponent("s")
        let (out, _) = try reverie(["experiment", "models/hopfield-hebbian.yaml", "-q", "--search", "patterns.memories.count=1..40",
                                    "--until", "exact.patterns >= 13", "--out", dir.path] + Self.smallHebbian)
        XCTAssertTrue(out.contains("smallest patterns.memories.count = 13 (7 runs)"), out)
        let search = try readCSV(dir.appendingPathComponent("search.csv"))
        XCTAssertEqual(search.rows.count, 1)
        XCTAssertEqual(column(search, "patterns.memories.count"), ["13"])
        XCTAssertEqual(column(search, "found"), ["1"])
        XCTAssertEqual(column(search, "evaluations"), ["7"])
        XCTAssertEqual(column(search, "exact.patterns"), ["13"])
        XCTAssertEqual(column(try readCSV(dir.appendingPathComponent("runs.csv")), "patterns.memories.count"), ["40", "1", "20", "10", "15", "12", "13"])

        // A condition of the dynamics: the fewest patterns for which not every pattern is a fixed point,
        // per network size. The value found must fail below and hold at itself, checked by separate runs.
        let noisy = try tempDir().appendingPathComponent("n")
        try reverie(["experiment", "models/hopfield-hebbian.yaml", "-q", "--grid", "populations.memory.size=40,80", "--repeats", "2",
                     "--search", "patterns.memories.count=1..30", "--until", "exact.fraction_fixed_points < 1", "--jobs", "2", "--out", noisy.path])
        let found = try readCSV(noisy.appendingPathComponent("search.csv"))
        XCTAssertEqual(column(found, "found"), ["1", "1", "1", "1"])
        func fixedFraction(size: String, count: Int, seed: String) throws -> Double {
            let d = try tempDir()
            try reverie(["run", "models/hopfield-hebbian.yaml", "-q", "--seed", seed, "--set", "populations.memory.size=\(size)",
                         "--set", "patterns.memories.count=\(count)", "--out", d.path])
            return try phaseSummaries(d).first { $0.name == "exact" }!.summary["fraction_fixed_points"]!
        }
        XCTAssertEqual(Array(found.columns.prefix(4)), ["populations.memory.size", "patterns.memories.count", "repeat", "seed"])
        XCTAssertEqual(column(found, "seed"), ["1", "2", "1", "2"])
        for row in found.rows {
            let (size, m, seed) = (row[0], Int(row[1])!, row[3])
            XCTAssertLessThan(try fixedFraction(size: size, count: m, seed: seed), 1, "N = \(size), seed \(seed): holds at \(m)")
            if m > 1 { XCTAssertEqual(try fixedFraction(size: size, count: m - 1, seed: seed), 1, "N = \(size), seed \(seed): fails at \(m - 1)") }
        }

        // Never true in range: not found, after one run at the top of the range.
        let none = try tempDir().appendingPathComponent("x")
        try reverie(["experiment", "models/hopfield-hebbian.yaml", "-q", "--search", "patterns.memories.count=1..5",
                     "--until", "exact.patterns > 5", "--out", none.path] + Self.smallHebbian)
        let missing = try readCSV(none.appendingPathComponent("search.csv"))
        XCTAssertEqual(column(missing, "found"), ["0"])
        XCTAssertEqual(column(missing, "patterns.memories.count"), [""])
        XCTAssertEqual(column(missing, "evaluations"), ["1"])
    }

    func testGridValuesMayBeInlineLists() throws {
        let dir = try tempDir().appendingPathComponent("l")
        try reverie(["experiment", "models/hopfield-unlearning.yaml", "-q", "--set", "populations.memory.size=40",
                     "--set", "protocol.dreaming.dreams=40", "--set", "protocol.dreaming.measure_every=20",
                     "--grid", "protocol.dreaming.basin_overlaps=[0.6,0.8],[]", "--grid", "dynamics.order=random-sequential,poisson",
                     "--out", dir.path])
        let runs = try readCSV(dir.appendingPathComponent("runs.csv"))
        XCTAssertEqual(column(runs, "protocol.dreaming.basin_overlaps"), ["[0.6,0.8]", "[0.6,0.8]", "[]", "[]"])
        XCTAssertEqual(column(runs, "dynamics.order"), ["random-sequential", "poisson", "random-sequential", "poisson"])
        XCTAssertNotEqual(runs.rows[0].dropFirst(4), runs.rows[1].dropFirst(4), "the update order changes the run")
        let dreaming = try readCSV(dir.appendingPathComponent("dreaming.csv"))
        XCTAssertEqual(dreaming.rows.count, 4 * 3)
        let overlaps = column(dreaming, "overlap_from_0.6")
        XCTAssertTrue(overlaps.prefix(6).allSatisfy { Double($0) != nil }, "\(overlaps)")
        XCTAssertEqual(Array(overlaps.suffix(6)), Array(repeating: "", count: 6))   // the runs without basins have none
    }

    func testSweepErrorsNameTheFileTheFieldAndTheValue() throws {
        let dir = try tempDir()
        let out = dir.appendingPathComponent("never").path
        func sweep(_ name: String, _ text: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let model = Self.repo.appendingPathComponent("models/hopfield-hebbian.yaml").path
        let typo = try sweep("typo.yaml", "model: \(model)\ngird: {seed: [1, 2]}\n")
        let (_, e1) = try reverie(["experiment", typo, "--out", out], expectStatus: 64)
        XCTAssertTrue(e1.contains("typo.yaml:2: gird: expected one of the fields"), e1)
        let (_, e2) = try reverie(["experiment", "models/hopfield-hebbian.yaml", "--grid", "populations.memory.size=10,lots", "--out", out], expectStatus: 64)
        XCTAssertTrue(e2.contains("at populations.memory.size=lots:") && e2.contains("populations[0].size: expected an integer"), e2)
        let (_, e3) = try reverie(["experiment", "experiments/capacity.yaml", "--set", "patterns.memories.load=0.1", "--out", out], expectStatus: 64)
        XCTAssertTrue(e3.contains("the grid axis alpha sets this field"), e3)
        let (_, e4) = try reverie(["experiment", "experiments/sleep.yaml", "--part", "nap", "--out", out], expectStatus: 64)
        XCTAssertTrue(e4.contains("--part nap: no such part; the parts are min-examples, alpha, distance"), e4)
        let (_, e5) = try reverie(["experiment", "capacity", "--out", out], expectStatus: 64)
        XCTAssertTrue(e5.contains("experiments/capacity.yaml"), e5)
        let (_, e6) = try reverie(["experiment", "models/hopfield-hebbian.yaml", "--grid", "seed", "--out", out], expectStatus: 64)
        XCTAssertTrue(e6.contains("expected [PART:]key=value"), e6)
        let (_, e7) = try reverie(["experiment", "models/hopfield-hebbian.yaml", "--search", "patterns.memories.count=1..5",
                                   "--until", "exakt.patterns > 2", "--out", out], expectStatus: 64)
        XCTAssertTrue(e7.contains("exakt.patterns is not <phase>.<key> of a phase"), e7)
        let linked = try sweep("linked.yaml", "model: \(model)\ngrid:\n  k:\n    values: [1, 2]\n    fields: {seed: [1]}\n")
        let (_, e8) = try reverie(["experiment", linked, "--out", out], expectStatus: 64)
        XCTAssertTrue(e8.contains("linked.yaml:5: grid.k.fields.seed: expected 2 values, one per value of k"), e8)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing is written when the sweep is invalid")

        // A plot naming a column no table has fails after the tables are written; a summary value
        // of an existing phase that no run reported (e.g. D_fin not reached) only warns.
        let plot = try sweep("plot.yaml", "model: \(model)\nset: {populations.memory.size: 30}\ngrid: {patterns.memories.count: [2, 3]}\n"
                             + "plots:\n  - {file: p.svg, x: patterns.memories.count, y: [exact.never_reported, exakt.mean_final_overlap]}\n")
        let (_, e9) = try reverie(["experiment", plot, "-q", "--out", out], expectStatus: 64)
        XCTAssertTrue(e9.contains("warning: \(plot): plots[0]: no run reported exact.never_reported; its series is empty"), e9)
        XCTAssertTrue(e9.contains("plot.yaml: plots[0]: column \"exakt.mean_final_overlap\" is not in the runs table"), e9)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/runs.csv"))
    }
}
