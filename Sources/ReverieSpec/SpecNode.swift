import Yams

/// A node of a model file with its location, so every read can name the file,
/// line and field path when the value is not what was expected.
public struct SpecNode: Sendable {
    public enum Kind: Sendable {
        case null
        case scalar(String)
        case mapping([(key: String, node: SpecNode)])
        case sequence([SpecNode])
    }

    public var kind: Kind
    public var line: Int?
    /// Field path from the root, e.g. `protocol[1].initial_overlap`.
    public var path: String
    public var file: String

    public init(kind: Kind, line: Int? = nil, path: String = "", file: String) {
        self.kind = kind; self.line = line; self.path = path; self.file = file
    }

    /// Parses YAML (or JSON) text. Every error has a line: the parser's, the
    /// second use of a duplicated field, or line 1 for an empty file.
    public static func parse(_ text: String, file: String) throws -> SpecNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .duplicatedKeysInMapping(let keys, let context):
                let key = keys.first ?? "", line = duplicateLine(of: key, in: text, after: context.mark.line)
                // The field's path: parse the text without the second use, and find the first.
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                if line - 1 < lines.count { lines.remove(at: line - 1) }
                let path = (try? parse(lines.joined(separator: "\n"), file: file))?.pathOfField(key, before: line) ?? key
                throw ModelError(file: file, line: line, path: path, expected: "each field once",
                                 found: "a second \(keys.map { "\"\($0)\"" }.joined(separator: ", "))")
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                throw ModelError(file: file, line: mark.line, path: "", expected: "valid YAML", found: problem)
            default:
                throw ModelError(file: file, line: 1, path: "", expected: "valid YAML", found: "\(error)".split(separator: "\n").first.map(String.init))
            }
        }
        guard let root else { throw ModelError(file: file, line: 1, path: "", expected: "a YAML mapping", found: "an empty file") }
        return try convert(root, path: "", file: file)
    }

    /// The path of the last field named `key` that starts before `line`.
    func pathOfField(_ key: String, before line: Int) -> String? {
        var best: (line: Int, path: String)?
        func walk(_ n: SpecNode) {
            switch n.kind {
            case .mapping(let pairs):
                for (k, child) in pairs {
                    if k == key, let l = child.line, l < line, l >= (best?.line ?? 0) { best = (l, child.path) }
                    walk(child)
                }
            case .sequence(let items): items.forEach(walk)
            case .null, .scalar: break
            }
        }
        walk(self)
        return best?.path
    }

    /// The line of the second `key:` at or after line `start` (1-based), for duplicate-field errors.
    static func duplicateLine(of key: String, in text: String, after start: Int) -> Int {
        var seen = 0
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where k + 1 >= start {
            let t = line.drop { $0 == " " || $0 == "-" || $0 == "{" }
            if t.hasPrefix(key + ":") || line.contains(" " + key + ":") || line.contains("{" + key + ":") {
                seen += line.components(separatedBy: key + ":").count - 1
                if seen >= 2 { return k + 1 }
            }
        }
        return start
    }

    static func convert(_ node: Node, path: String, file: String) throws -> SpecNode {
        let line = node.mark?.line
        switch node {
        case .scalar(let s):
            let isNull = s.tag.description == Tag.Name.null.rawValue && s.style == .plain
            return SpecNode(kind: isNull ? .null : .scalar(s.string), line: line, path: path, file: file)
        case .mapping(let m):
            var pairs: [(key: String, node: SpecNode)] = []
            for (k, v) in m {
                guard case .scalar(let ks) = k else {
                    throw ModelError(file: file, line: k.mark?.line, path: path, expected: "text keys")
                }
                if pairs.contains(where: { $0.key == ks.string }) {
                    throw ModelError(file: file, line: k.mark?.line, path: join(path, ks.string), expected: "each field once", found: "a duplicate")
                }
                pairs.append((ks.string, try convert(v, path: join(path, ks.string), file: file)))
            }
            return SpecNode(kind: .mapping(pairs), line: line, path: path, file: file)
        case .sequence(let q):
            return SpecNode(kind: .sequence(try q.enumerated().map { try convert($1, path: "\(path)[\($0)]", file: file) }),
                            line: line, path: path, file: file)
        case .alias:
            throw ModelError(file: file, line: line, path: path, expected: "a plain value (YAML aliases are not supported)")
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    // MARK: Errors

    /// An error at this node: "expected …, found <this value>".
    public func error(expected: String) -> ModelError {
        ModelError(file: file, line: line, path: path, expected: expected, found: shortDescription)
    }

    public var shortDescription: String {
        switch kind {
        case .null: return "nothing"
        case .scalar(let s): return "\"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}
