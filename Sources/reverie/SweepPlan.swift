import ArgumentParser
import ReverieSpec

/// A sweep checked before anything runs: the model loads with the overrides of
/// every grid point (and both ends of a search range), phase names are usable
/// file names, plots name existing tables; and the tasks, in output order.
struct SweepPlan: Sendable {
    let sweep: Sweep
    let tasks: [SweepTask]
    /// The base seed S of each part's grid points (repeat r runs with S + r).
    let baseSeeds: [[UInt64]]
    /// Each part's model name and phase names (from its first grid point).
    let modelNames: [String]
    let phases: [[String]]

    /// File names the sweep writes itself; phase tables may not take them.
    static let reservedNames = ["runs", "search", "sweep"]

    init(_ sweep: Sweep) throws {
        self.sweep = sweep
        var tasks: [SweepTask] = [], seeds: [[UInt64]] = [], names: [String] = [], phases: [[String]] = []
        for (p, part) in sweep.parts.enumerated() {
            var partSeeds: [UInt64] = []
            for k in 0..<part.pointCount {
                let point = part.point(k)
                let ends: [Int?] = part.search.map { [$0.range.lowerBound, $0.range.upperBound] } ?? [nil]
                var spec: ModelSpec?
                for v in ends { spec = try Self.load(part, point: point, searchValue: v) }
                if k == 0 {
                    names.append(spec!.name)
                    phases.append(try Self.phaseNames(spec!, part: part))
                }
                partSeeds.append(part.seed ?? spec!.seed)
                for r in 0..<part.repeats { tasks.append(SweepTask(part: p, pointIndex: k, point: point, repeatIndex: r)) }
            }
            seeds.append(partSeeds)
            let tables = ["runs"] + (part.search == nil ? [] : ["search"]) + phases[p]
            for plot in part.plots ?? [] {
                for s in plot.series where !tables.contains(s.table) {
                    throw ValidationError("\(plot.location): table \(s.table) does not exist; the tables are " + tables.joined(separator: ", "))
                }
            }
            if let c = part.search?.condition, let column = c.columns.first(where: { k in !phases[p].contains { k.hasPrefix($0 + ".") } }) {
                throw ValidationError("search condition \(c): \(column) is not <phase>.<key> of a phase of \(part.model) ("
                                      + phases[p].joined(separator: ", ") + ")")
            }
        }
        for plot in sweep.plots {
            for s in plot.series {
                let p = sweep.parts.firstIndex { $0.name == s.part }!
                let tables = ["runs"] + (sweep.parts[p].search == nil ? [] : ["search"]) + phases[p]
                guard tables.contains(s.table) else {
                    throw ValidationError("\(plot.location): part \(s.part!) has no table \(s.table); its tables are " + tables.joined(separator: ", "))
                }
            }
        }
        self.tasks = tasks
        baseSeeds = seeds
        modelNames = names
        self.phases = phases
    }

    static func load(_ part: SweepPart, point: [Int], searchValue: Int?) throws -> ModelSpec {
        do { return try ModelSpec.load(path: part.modelPath, overrides: part.overrides(point: point, searchValue: searchValue)) }
        catch let e as ModelError {
            var at = part.describe(point: point)
            if let s = part.search, let v = searchValue { at += (at.isEmpty ? "" : ", ") + "\(s.column)=\(v)" }
            throw ValidationError((at.isEmpty ? "" : "at \(at): ") + e.description)
        }
    }

    static func phaseNames(_ spec: ModelSpec, part: SweepPart) throws -> [String] {
        let names = spec.phases.map(\.name)
        for n in names where !SweepPlot.isPlainName(n) || reservedNames.contains(n) {
            throw ValidationError("\(part.model): phase name \"\(n)\" cannot name its table file; rename the phase (name: …), "
                                  + "using letters, digits and . _ - other than " + reservedNames.joined(separator: ", "))
        }
        return names
    }

    /// Runs one task: its model run, or a search's runs.
    func run(_ task: SweepTask) throws -> SweepTask.Result {
        let part = sweep.parts[task.part]
        let seed = baseSeeds[task.part][task.pointIndex] &+ UInt64(task.repeatIndex)
        func once(_ v: Int?) throws -> SweepRun {
            let spec = try Self.load(part, point: task.point, searchValue: v)
            do { return try SweepRun(spec: spec, seed: seed, searchValue: v) } catch let e as ModelError {
                var at = part.describe(point: task.point)
                if let v, let s = part.search { at += (at.isEmpty ? "" : ", ") + "\(s.column)=\(v)" }
                throw ValidationError("\(part.name) run at \(at.isEmpty ? "" : at + ", ")repeat \(task.repeatIndex) (seed \(seed)): \(e.description)")
            }
        }
        guard let search = part.search else { return .init(runs: [try once(nil)], found: nil) }
        var runs: [SweepRun] = []
        let (found, _) = try SweepSearch.smallest(in: search.range) { v in
            let run = try once(v)
            runs.append(run)
            return search.condition.holds(run.value)
        }
        return .init(runs: runs, found: found)
    }
}
