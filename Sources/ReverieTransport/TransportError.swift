import Foundation

/// Every way publishing or subscribing can fail, worded for the user.
public enum TransportError: Error, CustomStringConvertible, Equatable {
    case malformedEndpoint(String, reason: String)
    case cannotBind(String, reason: String)
    case cannotConnect(String, reason: String)
    case zmq(operation: String, reason: String)
    case noSubscribers(endpoint: String, expected: Int, got: Int, seconds: Double)
    case malformedMessage(String)

    public var description: String {
        switch self {
        case let .malformedEndpoint(e, reason):
            return "malformed endpoint '\(e)': \(reason); expected tcp://HOST:PORT (e.g. tcp://127.0.0.1:5556) or ipc://PATH"
        case let .cannotBind(e, reason): return "cannot publish on '\(e)': \(reason)"
        case let .cannotConnect(e, reason): return "cannot connect to '\(e)': \(reason)"
        case let .zmq(op, reason): return "ZeroMQ \(op) failed: \(reason)"
        case let .noSubscribers(e, expected, got, seconds):
            return "waited \(seconds) s on '\(e)' for \(expected) subscription(s), got \(got)"
        case let .malformedMessage(why): return "malformed stream message: \(why)"
        }
    }
}

extension TransportError: LocalizedError {
    public var errorDescription: String? { description }
}
