/// A ZeroMQ endpoint the stream can bind or connect to: `tcp://HOST:PORT` or
/// `ipc://PATH`. Checked before ZeroMQ sees it so mistakes get a clear message.
public struct StreamEndpoint: Equatable, Sendable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) throws {
        self.text = text
        guard let sep = text.range(of: "://") else {
            throw TransportError.malformedEndpoint(text, reason: "no transport (missing '://')")
        }
        let scheme = text[..<sep.lowerBound], rest = text[sep.upperBound...]
        switch scheme {
        case "tcp":
            guard let colon = rest.lastIndex(of: ":") else {
                throw TransportError.malformedEndpoint(text, reason: "no port (missing ':PORT')")
            }
            let host = rest[..<colon], port = rest[rest.index(after: colon)...]
            guard !host.isEmpty else { throw TransportError.malformedEndpoint(text, reason: "empty host") }
            guard port == "*" || (UInt16(port).map { $0 > 0 } ?? false) else {
                throw TransportError.malformedEndpoint(text, reason: "port '\(port)' is not a number in 1...65535 or *")
            }
        case "ipc":
            guard !rest.isEmpty else { throw TransportError.malformedEndpoint(text, reason: "empty ipc path") }
        default:
            throw TransportError.malformedEndpoint(text, reason: "unsupported transport '\(scheme)'")
        }
    }

    public var description: String { text }
}
