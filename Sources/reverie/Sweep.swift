import ArgumentParser
import Foundation
import ReverieSpec

/// What `reverie experiment` runs: a sweep file (YAML, models/README.md "Sweeps")
/// or a model file swept from the command line. A sweep file holds
///
///     model: ../models/hopfield-hebbian.yaml    # relative to the sweep file
///     set: {populations.memory.size: 1000}      # fixed overrides
///     grid: {alpha: {field: patterns.memories.load, values: [0.05, 0.1]}}
///     repeats: 4
///     seed: 1
///     search: {…}                               # optional, see SweepSearch
///     plots: [{…}]                              # see SweepPlot
///
/// or, for several grids (e.g. two models compared on one plot), `parts:`, an
/// ordered mapping of part names to the same fields; the top-level fields are
/// every part's defaults (`set` and `grid` are merged, the part's last), and
/// top-level `plots` may draw series from several parts.
struct Sweep: Sendable {
    /// The sweep file as given on the command line; nil for a model file.
    var file: String?
    var description: String?
    var parts: [SweepPart]
    /// Whether the parts write into subdirectories (a sweep file with `parts:`).
    var multiPart: Bool
    /// Top-level plots of a multi-part sweep.
    var plots: [SweepPlot]

    static let fileKeys = ["description", "model", "set", "grid", "repeats", "seed", "search", "plots", "parts"]

    /// Reads a sweep file, or wraps a model file (one with a `protocol:`) as a one-part sweep with no grid.
    static func load(path: String) throws -> Sweep {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            var hint = ""
            if !path.contains("/"), !path.contains(".") {
                hint = " (the named experiments are sweep files: reverie experiment experiments/\(path).yaml from the repository)"
            }
            throw ValidationError("\(path): no readable sweep or model file" + hint)
        }
        let root = try SpecNode.parse(text, file: path)
        _ = try root.mapping()
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        if root["protocol"] != nil {
            let part = SweepPart(name: stem, model: path, modelPath: path, set: [], grid: [], repeats: 1, seed: nil, search: nil, plots: nil)
            return Sweep(file: nil, description: nil, parts: [part], multiPart: false, plots: [])
        }
        try root.checkKeys(fileKeys)
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        let defaults = try Self.part(root, name: stem, base: base, inherited: nil)
        var sweep = Sweep(file: path, description: try root["description"]?.string(), parts: [], multiPart: false, plots: [])
        if let partsNode = root["parts"] {
            sweep.multiPart = true
            for (name, node) in try partsNode.mapping() {
                guard SweepPlot.isPlainName(name) else {
                    throw node.error(expected: "a part name of letters, digits, . _ - (it names the part's output directory)")
                }
                try node.checkKeys(fileKeys.filter { $0 != "parts" && $0 != "description" })
                sweep.parts.append(try Self.part(node, name: name, base: base, inherited: defaults))
            }
            guard !sweep.parts.isEmpty else { throw partsNode.error(expected: "at least one part") }
            sweep.plots = try (root["plots"]?.sequence() ?? []).map(SweepPlot.init(node:))
            // Default plots only for a sweep file that asks for none anywhere.
            if root["plots"] != nil || sweep.parts.contains(where: { $0.plots != nil }) {
                for p in sweep.parts.indices where sweep.parts[p].plots == nil { sweep.parts[p].plots = [] }
            }
            for plot in sweep.plots {
                for s in plot.series where !sweep.parts.contains(where: { $0.name == s.part }) {
                    throw ValidationError("\(plot.location): series of \(s.y) needs part: one of " + sweep.parts.map(\.name).joined(separator: ", "))
                }
            }
        } else {
            guard root["model"] != nil else { throw root.missing("model", "the model file to sweep (relative to this file)") }
            sweep.parts = [defaults]
        }
        return sweep
    }

    /// A part from its fields, over `inherited` defaults (the top level of a multi-part sweep).
    private static func part(_ node: SpecNode, name: String, base: URL, inherited: SweepPart?) throws -> SweepPart {
        var part = inherited ?? SweepPart(name: name, model: "", modelPath: "", set: [], grid: [], repeats: 1, seed: nil, search: nil, plots: nil)
        part.name = name
        if let m = node["model"] {
            part.model = try m.string()
            part.modelPath = part.model.hasPrefix("/") ? part.model : base.appendingPathComponent(part.model).standardizedFileURL.path
        } else if inherited != nil, part.model.isEmpty {
            throw node.missing("model", "the model file of part \(name) (or a top-level model:)")
        }
        for (key, value) in try node["set"]?.mapping() ?? [] {
            let text: String
            switch value.kind {
            case .scalar(let s): text = s
            case .sequence, .mapping: text = value.json
            case .null: throw value.error(expected: "a value")
            }
            part.fix("\(key)=\(text)")
        }
        for (key, axisNode) in try node["grid"]?.mapping() ?? [] {
            let axis = try SweepAxis(key: key, node: axisNode)
            if let k = part.grid.firstIndex(where: { $0.column == axis.column }) { part.grid[k] = axis } else { part.grid.append(axis) }
        }
        if let r = node["repeats"] { part.repeats = try r.int(in: 1...1_000_000) }
        if let s = node["seed"] { part.seed = UInt64(try s.int(in: 0...Int.max)) }
        if let s = node["search"] { part.search = try SweepSearch(node: s) }
        if inherited != nil || node["parts"] == nil, let p = node["plots"] { part.plots = try p.sequence().map(SweepPlot.init(node:)) }
        return part
    }
}
