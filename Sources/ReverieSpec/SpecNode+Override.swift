import Foundation
/// `--set key=value` overrides and re-serialisation of the effective model.
extension SpecNode {
    /// Sets the field at a dotted path (`seed`, `populations.memory.size`,
    /// `protocol[1].initial_overlap`; list items by index or by `name`) to a
    /// value: a scalar, or inline YAML for a list or mapping (`[0.6, 0.8]`,
    /// `{normal: [0.25, 0.05]}`). Missing mapping fields are added. Errors about
    /// the new value name the override instead of a line of the file.
    public mutating func override(_ assignment: String) throws {
        guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
            throw ModelError(file: file, path: "--set \(assignment)", expected: "key=value")
        }
        let key = String(assignment[..<eq]), value = String(assignment[assignment.index(after: eq)...])
        var segments: [String] = []
        for part in key.split(separator: ".", omittingEmptySubsequences: false) {
            var p = Substring(part)
            guard let head = p.split(separator: "[", maxSplits: 1).first.map(String.init), !head.isEmpty else {
                throw ModelError(file: file, path: "--set \(key)", expected: "a dotted field path such as populations.memory.size")
            }
            segments.append(head)
            p = p.dropFirst(head.count)
            while p.hasPrefix("["), let close = p.firstIndex(of: "]") {
                segments.append(String(p[p.index(after: p.startIndex)..<close]))
                p = p[p.index(after: close)...]
            }
            guard p.isEmpty else { throw ModelError(file: file, path: "--set \(key)", expected: "a dotted field path") }
        }
        try set(segments[...], to: value, fullKey: key)
    }

    mutating func set(_ segments: ArraySlice<String>, to value: String, fullKey: String) throws {
        guard let head = segments.first else {
            let origin = "--set \(fullKey)=\(value)"
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") || trimmed.hasPrefix("{") {
                guard let parsed = try? Self.parse(value, file: origin) else {
                    throw ModelError(file: origin, path: path, expected: "an inline YAML list or mapping", found: "\"\(value)\"")
                }
                self = Self.rebased(parsed, path: path)
            } else {
                kind = .scalar(value)
                file = origin
                line = nil
            }
            return
        }
        let rest = segments.dropFirst()
        switch kind {
        case .mapping(var pairs):
            if let k = pairs.firstIndex(where: { $0.key == head }) {
                try pairs[k].node.set(rest, to: value, fullKey: fullKey)
            } else {
                var child = SpecNode(kind: .null, path: Self.join(path, head), file: file)
                if !rest.isEmpty { child.kind = .mapping([]) }
                try child.set(rest, to: value, fullKey: fullKey)
                pairs.append((head, child))
            }
            kind = .mapping(pairs)
        case .sequence(var items):
            let k = Int(head) ?? items.firstIndex { (try? $0["name"]?.string()) == head }
            guard let k, items.indices.contains(k) else {
                let names = items.compactMap { try? $0["name"]?.string() }
                throw ModelError(file: file, path: "--set \(fullKey)", expected: "an index below \(items.count)"
                                 + (names.isEmpty ? "" : " or one of the names " + names.joined(separator: ", ")),
                                 found: "\"\(head)\" in \(path)")
            }
            try items[k].set(rest, to: value, fullKey: fullKey)
            kind = .sequence(items)
        case .null:
            kind = .mapping([])
            try set(segments, to: value, fullKey: fullKey)
        case .scalar:
            throw ModelError(file: file, path: "--set \(fullKey)", expected: "\(path) to be a mapping or list", found: shortDescription)
        }
    }

    /// `node` (parsed from an override) moved to `path`, without line numbers.
    static func rebased(_ node: SpecNode, path: String) -> SpecNode {
        var n = node
        n.path = path
        n.line = nil
        switch node.kind {
        case .mapping(let pairs): n.kind = .mapping(pairs.map { ($0.key, rebased($0.node, path: join(path, $0.key))) })
        case .sequence(let items): n.kind = .sequence(items.enumerated().map { rebased($1, path: "\(path)[\($0)]") })
        case .null, .scalar: break
        }
        return n
    }

    /// The tree as JSON (valid YAML): the effective model recorded in results and traces.
    public var json: String {
        switch kind {
        case .null: return "null"
        case .scalar(let s):
            if let d = Double(s), d.isFinite, s.allSatisfy({ "0123456789+-.eE".contains($0) }) { return s }
            if ["true", "false"].contains(s) { return s }
            return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n") + "\""
        case .mapping(let pairs):
            return "{" + pairs.map { SpecNode(kind: .scalar($0.key), file: file).json + ": " + $0.node.json }.joined(separator: ", ") + "}"
        case .sequence(let items):
            return "[" + items.map(\.json).joined(separator: ", ") + "]"
        }
    }
}
