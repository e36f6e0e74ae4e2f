import Foundation

/// Every way reading, writing or exporting a trace can fail, worded for the user.
public enum TraceError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case notATrace(path: String)
    case unsupportedVersion(path: String, found: UInt32)
    case truncatedHeader(path: String, size: Int)
    case damagedHeader(path: String, reason: String)
    /// A header whose checksum matches but whose content no writer produces.
    case invalidHeader(path: String, field: String, expected: String, found: String)
    case damaged(path: String, summary: String)
    case badRecord(index: Int)
    case unknownStream(String, known: [String])
    case unknownPopulation(String, known: [String])

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "cannot open '\(path)': \(reason)"
        case let .cannotWrite(path, reason): return "cannot write '\(path)': \(reason)"
        case let .notATrace(path):
            return "'\(path)' is not a Reverie trace (it does not start with the bytes \"REVTRACE\")"
        case let .unsupportedVersion(path, found):
            let readable = TraceFormat.readableVersions
            return "'\(path)' is a Reverie trace of format version \(found); this reverie reads versions \(readable.lowerBound) to \(readable.upperBound)"
        case let .truncatedHeader(path, size):
            return "'\(path)' is truncated inside its header (\(size) bytes); no chunk can be read"
        case let .damagedHeader(path, reason): return "'\(path)' has a damaged header: \(reason)"
        case let .invalidHeader(path, field, expected, found):
            return "'\(path)' has an invalid header: \(field) is \(found), expected \(expected)"
        case let .damaged(path, summary):
            return "'\(path)' is damaged: \(summary). Run `reverie trace verify \(path)` for details, or pass --recover to use the intact chunks"
        case let .badRecord(index): return "record \(index) of a chunk has an invalid kind, padding or time"
        case let .unknownStream(name, known):
            return "unknown record stream '\(name)'; expected a comma-separated list of: \(known.joined(separator: ", "))"
        case let .unknownPopulation(name, known):
            return "no population '\(name)' in the trace; it has: \(known.joined(separator: ", "))"
        }
    }
}

extension TraceError: LocalizedError {
    public var errorDescription: String? { description }
}
