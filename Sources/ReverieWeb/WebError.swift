/// Errors of the web monitor, with the offending value and what was expected.
public enum WebError: Error, Equatable, CustomStringConvertible {
    case malformedAddress(String, reason: String)
    case cannotServe(String, reason: String)

    public var description: String {
        switch self {
        case .malformedAddress(let text, let reason): return "--web '\(text)': \(reason) (expected [HOST:]PORT, e.g. 8080 or 127.0.0.1:8080)"
        case .cannotServe(let address, let reason): return "cannot serve the web monitor on \(address): \(reason)"
        }
    }
}
