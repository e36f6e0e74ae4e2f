import ArgumentParser

extension Sweep {
    /// Applies the command line to the selected parts: `--part` keeps only the
    /// named parts; `--set` adds fixed overrides after the file's (a field the grid
    /// or the search sets is refused: the grid would win); `--grid key=v1,v2,…`
    /// replaces the values of the axis whose column or field is `key` (for a linked
    /// axis: keeps the listed values) in every part that has it, or, if none has,
    /// adds an axis over field `key` as the innermost one of every part;
    /// `--repeats`, `--seed` and `--search` replace the file's. `--set` and
    /// `--grid` take `PART:key=…` to apply to one part only.
    mutating func apply(parts selected: [String], set: [String], grid: [String], repeats: Int?, seed: UInt64?,
                        search: SweepSearch?) throws {
        if !selected.isEmpty {
            for name in selected { _ = try part(named: name, option: "--part") }
            parts = parts.filter { selected.contains($0.name) }
            plots = plots.filter { $0.series.allSatisfy { s in selected.contains(s.part ?? "") } }
        }
        var seen: [String] = []
        for g in grid {
            let (scope, key, text) = try scoped(g, option: "--grid", example: "patterns.memories.count=100,150,200")
            let values = SweepAxis.splitValues(text)
            guard !seen.contains(g.prefix { $0 != "=" }.description) else { throw ValidationError("--grid \(key) is given twice") }
            guard !values.contains(where: \.isEmpty) else { throw ValidationError("--grid \(g): an empty value") }
            seen.append(g.prefix { $0 != "=" }.description)
            let targets = parts.indices.filter { scope == nil || parts[$0].name == scope }
            let having = targets.filter { p in parts[p].grid.contains { Self.axis($0, matches: key) } }
            for p in having.isEmpty ? targets : having {
                if let a = parts[p].grid.firstIndex(where: { Self.axis($0, matches: key) }) {
                    let axis = parts[p].grid[a]
                    if axis.fields.count == 1 && axis.fields[0].values == axis.values {
                        parts[p].grid[a] = SweepAxis(column: axis.column, values: values, fields: [.init(path: axis.fields[0].path, values: values)])
                    } else {
                        parts[p].grid[a] = try axis.selecting(values)
                    }
                } else {
                    parts[p].grid.append(SweepAxis(field: key, values: values))
                }
            }
        }
        for o in set {
            let (scope, key, value) = try scoped(o, option: "--set", example: "populations.memory.size=200")
            for p in parts.indices where scope == nil || parts[p].name == scope {
                if let axis = parts[p].grid.first(where: { $0.sets(key) }) {
                    throw ValidationError("--set \(key): the grid axis \(axis.column) sets this field; use --grid \(axis.column)=… instead")
                }
                if parts[p].search?.field == key { throw ValidationError("--set \(key): the search sets this field") }
                parts[p].fix("\(key)=\(value)")
            }
        }
        for p in parts.indices {
            if let repeats { parts[p].repeats = repeats }
            if let seed { parts[p].seed = seed }
            if let search { parts[p].search = search }
            if let s = parts[p].search, let axis = parts[p].grid.first(where: { $0.sets(s.field) }) {
                throw ValidationError("search field \(s.field) is also set by the grid axis \(axis.column)")
            }
        }
    }

    static func axis(_ a: SweepAxis, matches key: String) -> Bool {
        a.column == key || (a.fields.count == 1 && a.fields[0].path == key)
    }

    /// Splits `[PART:]key=value`, checking that PART names a part.
    private func scoped(_ text: String, option: String, example: String) throws -> (part: String?, key: String, value: String) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex, text.index(after: eq) != text.endIndex else {
            throw ValidationError("\(option) \(text): expected [PART:]key=value, e.g. \(example)")
        }
        var key = String(text[..<eq]), scope: String?
        if let colon = key.firstIndex(of: ":") {
            scope = try part(named: String(key[..<colon]), option: option).name
            key = String(key[key.index(after: colon)...])
        }
        return (scope, key, String(text[text.index(after: eq)...]))
    }

    private func part(named name: String, option: String) throws -> SweepPart {
        guard let p = parts.first(where: { $0.name == name }) else {
            throw ValidationError("\(option) \(name): no such part; the parts are " + parts.map(\.name).joined(separator: ", "))
        }
        return p
    }
}
