import ArgumentParser
import ReverieMPI
import Foundation
import ReverieSpec

/// `reverie experiment`: a sweep over a model file and a parameter grid
/// (see `Sweep`, `SweepPart` for the order and seeds, `SweepTables` for the outputs).
struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run a model over a parameter grid × repeats (a sweep file, or a model file with --grid); write CSV, SVG and sweep.json.",
        discussion: """
        The named experiments are sweep files in experiments/ (capacity, unlearning, sleep, pc), e.g.
          reverie experiment experiments/capacity.yaml --out capacity --jobs 2
          reverie experiment models/hopfield-unlearning.yaml --grid patterns.memories.count=100,150,200 --repeats 4 --out u

        Order: grid points row-major (the first axis varies slowest), repeats innermost; repeat r \
        runs with seed S + r (S: --seed, the sweep file's seed, else the model's). Writes into --out, \
        which must be new or empty (or --force): runs.csv (one row per run: grid values, repeat, \
        seed, every phase summary value as <phase>.<key>), <phase>.csv (each phase table with the \
        grid and repeat columns prepended), search.csv with a search, plots and sweep.json. Paths in \
        a sweep file are relative to it. Results do not depend on --jobs.

        Under an MPI launcher (mpirun -np R reverie experiment …, or srun) the runs are spread         over the R ranks (rank r takes runs r, r + R, …, each rank on --jobs threads) and rank 0         writes the outputs: the same bytes as a serial run.
        """)

    @Argument(help: "A sweep file (YAML, see the Sweeps section of models/README.md) or a model file.")
    var file: String

    @Option(name: .customLong("grid"), help: ArgumentHelp(
        "A grid axis: field=v1,v2,… (numbers, text or inline lists such as [0.6,0.8]); replaces the values of a sweep file's axis of that name or field; PART:key=… for one part (repeatable).",
        valueName: "key=v1,v2,…"))
    var grid: [String] = []

    @Option(help: "Repeats per grid point (seeds S, S+1, …).")
    var repeats: Int?

    @Option(help: "Base seed S (default: the sweep file's seed, else the model's).")
    var seed: UInt64?

    @Option(name: .customLong("set"), help: ArgumentHelp("Fix a model field for every run: key=value, or PART:key=value for one part (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(name: .customLong("part"), help: "Run only this part of a multi-part sweep file (repeatable).")
    var parts: [String] = []

    @Option(help: ArgumentHelp("Find the smallest integer value of a field where --until holds, by bisection: field=lo..hi.", valueName: "field=lo..hi"))
    var search: String?

    @Option(help: ArgumentHelp("The condition of --search: <phase>.<key> OP number, OP one of >= > <= < == !=; clauses may be joined by \" and \".", valueName: "condition"))
    var until: String?

    @Option(help: "Runs in parallel on this many threads (per MPI rank under mpirun).")
    var jobs = 1

    @Option(help: "Output directory (created; must be new or empty unless --force). Required unless --dry-run.")
    var out: String?

    @Flag(help: "Write into a non-empty output directory, replacing files of the same names.")
    var force = false

    @Flag(help: "Check every grid point and print the plan without running.")
    var dryRun = false

    @Flag(name: .shortAndLong, help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard (repeats ?? 1) >= 1 else { throw ValidationError("--repeats must be at least 1") }
        guard (search == nil) == (until == nil) else { throw ValidationError("--search and --until go together") }
        guard out != nil || dryRun else { throw ValidationError("--out DIR is required: the directory to write into (new or empty)") }
    }

    func run() throws {
        do { try sweep() } catch let e where !(e is ExitCode) && (MPICommunicator.launchedRank() ?? 0) != 0 {
            throw RankErrors.quietExit(e, of: Self.self)  // every rank meets the same error; rank 0 prints it
        }
    }

    func sweep() throws {
        let plan: SweepPlan
        do {
            var sweep = try Sweep.load(path: file)
            try sweep.apply(parts: parts, set: overrides, grid: grid, repeats: repeats, seed: seed,
                            search: try search.map { try SweepSearch(option: $0, until: until!) })
            plan = try SweepPlan(sweep)
        } catch let e as ModelError { throw ValidationError(e.description) }
        guard let out, !dryRun else { return print(describe(plan)) }
        try checkOutputDirectory(out)

        let start = Date()
        let searching = plan.sweep.parts.contains { $0.search != nil }
        let world = MPICommunicator.launched()
        defer { world?.finalize() }
        let results: [SweepTask.Result]
        if let world {
            guard let all = try runOnRanks(plan, world: world, unit: searching ? "search" : "run") else { return }
            results = all
        } else {
            let progress = SweepProgress(total: plan.tasks.count, unit: searching ? "search" : "run", quiet: quiet)
            results = try SweepExecutor(jobs: jobs).map(plan.tasks.count, onDone: progress.completed) { [plan] k in
                try plan.run(plan.tasks[k])
            }
            progress.finish()
        }
        let written = try SweepWriter(plan: plan, results: results, out: out, overrides: overrides).write()
        let runs = results.reduce(0) { $0 + $1.runs.count }
        print(String(format: "%@: %ld runs in %.1f s on %@%ld thread(s)", plan.sweep.file ?? file, runs, Date().timeIntervalSince(start),
                     world.map { "\($0.size) rank(s) × " } ?? "", jobs))
        for (p, part) in plan.sweep.parts.enumerated() where part.search != nil {
            for (task, result) in zip(plan.tasks, results) where task.part == p {
                let at = part.describe(point: task.point)
                print("  \(part.name) \(at.isEmpty ? "" : at + ", ")repeat \(task.repeatIndex): smallest \(part.search!.column) = "
                      + (result.found.map(String.init) ?? "none in \(part.search!.range)") + " (\(result.runs.count) runs)")
            }
        }
        print("wrote " + written.map { (out as NSString).appendingPathComponent($0) }.joined(separator: ", "))
    }

    /// Under mpirun: rank r runs tasks r, r + R, r + 2R, … on `jobs` threads; every rank's
    /// results (exact bytes) are gathered, so rank 0 gets what a serial run computes and
    /// writes it; the other ranks return nil. A failed task fails the sweep on every rank
    /// with the lowest-numbered failure's message (printed by rank 0).
    func runOnRanks(_ plan: SweepPlan, world: MPICommunicator, unit: String) throws -> [SweepTask.Result]? {
        let mine = Array(stride(from: world.rank, to: plan.tasks.count, by: world.size))
        let progress = SweepProgress(total: mine.count, unit: unit + " on rank 0", quiet: quiet || world.rank != 0)
        var local: [(task: Int, result: SweepTask.Result)] = [], failure: (task: Int, message: String)?
        do {
            let results = try SweepExecutor(jobs: jobs).map(mine.count, onDone: progress.completed) { [plan] i in
                do { return try plan.run(plan.tasks[mine[i]]) } catch { throw SweepTaskFailure(task: mine[i], error: error) }
            }
            local = Array(zip(mine, results))
        } catch let f as SweepTaskFailure {
            failure = (f.task, "\(f.error)")
        }
        progress.finish()
        var slots = [SweepTask.Result?](repeating: nil, count: plan.tasks.count), failures: [(task: Int, message: String)] = []
        for bytes in try world.allGather(SweepTask.Result.encode(local, failure: failure)) {
            let (results, failed) = try SweepTask.Result.decode(bytes)
            for (task, result) in results where task < slots.count { slots[task] = result }
            if let failed { failures.append(failed) }
        }
        if let first = failures.min(by: { $0.task < $1.task }) { throw ValidationError(first.message) }
        guard world.rank == 0 else { return nil }
        return try slots.map { slot in
            guard let slot else { throw ValidationError("a rank did not send all of its sweep results") }
            return slot
        }
    }

    /// The output directory must not exist, or be an empty directory, unless --force.
    func checkOutputDirectory(_ out: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw ValidationError("--out \(out) is a file, not a directory") }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        guard entries.isEmpty || force else {
            throw ValidationError("--out \(out) is not empty (\(entries.count) entries); choose a new directory or add --force to overwrite files of the same names")
        }
    }

    /// The plan: per part, the model, fixed overrides, axes, repeats and run count.
    func describe(_ plan: SweepPlan) -> String {
        var lines: [String] = []
        for (p, part) in plan.sweep.parts.enumerated() {
            let count = plan.tasks.filter { $0.part == p }.count
            func n(_ k: Int, _ what: String) -> String { "\(k) \(what)" + (k == 1 ? "" : what.hasSuffix("h") ? "es" : "s") }
            lines.append("\(part.name): \(part.model) (\(plan.modelNames[p])), \(n(part.pointCount, "grid point")) × \(n(part.repeats, "repeat")) = "
                         + n(count, part.search == nil ? "run" : "search"))
            for o in part.set { lines.append("  set  \(o)") }
            for a in part.grid { lines.append("  grid \(a.column): " + a.values.joined(separator: ", ")
                                              + (a.fields.count == 1 && a.fields[0].path == a.column ? "" : "  (" + a.fields.map(\.path).joined(separator: ", ") + ")")) }
            if let s = part.search { lines.append("  search \(s.field) in \(s.range.lowerBound)...\(s.range.upperBound) for \(s.condition)") }
            let seeds = Set(plan.baseSeeds[p])
            lines.append("  seeds " + (seeds.count == 1 ? "\(seeds.first!) + repeat" : "per grid point + repeat"))
        }
        return lines.joined(separator: "\n")
    }
}

/// A task's error, with the task's index (to report the lowest-numbered failure across ranks).
private struct SweepTaskFailure: Error {
    let task: Int
    let error: any Error
}
