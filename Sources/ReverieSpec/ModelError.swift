/// A problem with a model file: where it is (file, line, field path) and what
/// was expected there.
public struct ModelError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int?
    /// Field path such as `populations[0].size`; empty for the whole file.
    public var path: String
    public var expected: String
    /// A short rendering of what was found, if anything.
    public var found: String?

    public init(file: String, line: Int? = nil, path: String, expected: String, found: String? = nil) {
        self.file = file; self.line = line; self.path = path; self.expected = expected; self.found = found
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": " + (path.isEmpty ? "" : path + ": ")
        s += "expected " + expected
        if let found { s += ", found " + found }
        return s
    }
}
