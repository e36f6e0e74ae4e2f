/// Typed reads that fail with a `ModelError` naming the field.
extension SpecNode {
    public var isNull: Bool { if case .null = kind { return true } else { return false } }

    public func mapping() throws -> [(key: String, node: SpecNode)] {
        guard case .mapping(let pairs) = kind else { throw error(expected: "a mapping of fields") }
        return pairs
    }

    public func sequence() throws -> [SpecNode] {
        guard case .sequence(let items) = kind else { throw error(expected: "a list") }
        return items
    }

    /// The field `key` of this mapping, or nil when absent or null.
    public subscript(key: String) -> SpecNode? {
        guard case .mapping(let pairs) = kind, let n = pairs.first(where: { $0.key == key })?.node, !n.isNull else { return nil }
        return n
    }

    /// The field `key`, which must be present.
    public func require(_ key: String, _ expected: String) throws -> SpecNode {
        _ = try mapping()
        guard let n = self[key] else { throw missing(key, expected) }
        return n
    }

    /// The error for a required field `key` that is absent.
    public func missing(_ key: String, _ expected: String) -> ModelError {
        ModelError(file: file, line: line, path: Self.join(path, key), expected: expected, found: "no such field")
    }

    /// Rejects fields not in `allowed` (catches typos such as `sise:`).
    public func checkKeys(_ allowed: [String]) throws {
        for (k, n) in try mapping() where !allowed.contains(k) {
            throw ModelError(file: file, line: n.line, path: n.path,
                             expected: "one of the fields " + allowed.joined(separator: ", "), found: "unknown field \"\(k)\"")
        }
    }

    public func string() throws -> String {
        guard case .scalar(let s) = kind, !s.isEmpty else { throw error(expected: "text") }
        return s
    }

    public func int(in range: ClosedRange<Int> = Int.min...Int.max, _ expected: String? = nil) throws -> Int {
        guard case .scalar(let s) = kind, let v = Int(s.replacingOccurrences(of: "_", with: "")), range.contains(v) else {
            throw error(expected: expected ?? Self.describe(range, "an integer"))
        }
        return v
    }

    public func double(in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
                       _ expected: String? = nil) throws -> Double {
        guard case .scalar(let s) = kind, let v = Double(s.replacingOccurrences(of: "_", with: "")), v.isFinite, range.contains(v) else {
            throw error(expected: expected ?? Self.describe(range, "a number"))
        }
        return v
    }

    public func bool() throws -> Bool {
        guard case .scalar(let s) = kind else { throw error(expected: "true or false") }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(expected: "true or false")
        }
    }

    public func choice(_ options: [String]) throws -> String {
        guard case .scalar(let s) = kind, options.contains(s) else {
            throw error(expected: "one of " + options.joined(separator: ", "))
        }
        return s
    }

    // Optional-field conveniences.
    public func int(_ key: String, default value: Int? = nil, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        if let n = self[key] { return try n.int(in: range) }
        if let value { return value }
        return try require(key, Self.describe(range, "an integer")).int(in: range)
    }

    public func double(_ key: String, default value: Double? = nil,
                       in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude) throws -> Double {
        if let n = self[key] { return try n.double(in: range) }
        if let value { return value }
        return try require(key, Self.describe(range, "a number")).double(in: range)
    }

    public func string(_ key: String, default value: String? = nil) throws -> String {
        if let n = self[key] { return try n.string() }
        if let value { return value }
        return try require(key, "text").string()
    }

    public func bool(_ key: String, default value: Bool) throws -> Bool {
        try self[key]?.bool() ?? value
    }

    public func choice(_ key: String, _ options: [String], default value: String? = nil) throws -> String {
        if let n = self[key] { return try n.choice(options) }
        if let value { return value }
        return try require(key, "one of " + options.joined(separator: ", ")).choice(options)
    }

    /// "a number > 0", "an integer in 1...10", "a number ≤ 1": bounds that only keep
    /// values finite (≥ 1e9 in size) are left out, and a tiny positive lower bound reads as "> 0".
    static func describe<T: Comparable & Numeric>(_ r: ClosedRange<T>, _ kind: String) -> String {
        func magnitude(_ v: T) -> Double { Double("\(v)") ?? .infinity }
        let low = magnitude(r.lowerBound), high = magnitude(r.upperBound)
        let positive = low > 0 && low < 1e-6
        let lowOpen = abs(low) >= 1e9, highOpen = abs(high) >= 1e9
        func text(_ v: T) -> String {
            let d = magnitude(v)
            return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(v)"
        }
        switch (positive || lowOpen, highOpen) {
        case (true, true): return positive ? "\(kind) > 0" : kind
        case (false, true): return "\(kind) ≥ \(text(r.lowerBound))"
        case (true, false): return positive ? "\(kind) in (0, \(text(r.upperBound))]" : "\(kind) ≤ \(text(r.upperBound))"
        case (false, false): return "\(kind) in \(text(r.lowerBound))...\(text(r.upperBound))"
        }
    }
}
