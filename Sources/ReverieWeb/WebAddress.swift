/// Where `reverie monitor --web` serves: `[HOST:]PORT`, host 127.0.0.1 (loopback)
/// unless told otherwise; `[::1]:PORT` for IPv6. Port 0 lets the system pick a free port.
public struct WebAddress: Equatable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host; self.port = port
    }

    public init(_ text: String) throws(WebError) {
        func bad(_ reason: String) -> WebError { .malformedAddress(text, reason: reason) }
        var host = "127.0.0.1", portText = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw bad("'[' without ']' around an IPv6 address") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw bad("no ':PORT' after the IPv6 address") }
            portText = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else { throw bad("write an IPv6 host in brackets, e.g. [::1]:8080") }
        }
        guard !host.isEmpty else { throw bad("empty host") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || ".-_:".contains($0) }) else {
            throw bad("host '\(host)' has characters that are not in a host name or IP address")
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw bad("port '\(portText)' is not a number in 0...65535")
        }
        self.host = host; self.port = port
    }

    /// True for addresses only this machine can reach.
    public var isLoopback: Bool { Self.isLoopbackHost(host) }

    static func isLoopbackHost(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
