/// A minimal JSON writer (RFC 8259) for the frames the page receives: strings are
/// escaped (quote, backslash, control characters), non-finite numbers become
/// `null`. Names from a trace are user data; the page only ever shows them as text.
struct JSONText {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity n: Int = 4096) { bytes.reserveCapacity(n) }

    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func number(_ x: Double) {
        if x.isFinite { bytes.append(contentsOf: x.description.utf8) } else { raw("null") }
    }

    mutating func number(_ n: Int) { bytes.append(contentsOf: n.description.utf8) }
    mutating func number(_ n: UInt64) { bytes.append(contentsOf: n.description.utf8) }

    /// `"key":`
    mutating func key(_ k: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        raw(k)
        raw("\":")
    }

    mutating func key(_ k: String) {
        string(k)
        raw(":")
    }

    /// `[x0,x1,...]`
    mutating func array(_ xs: some Sequence<Double>) { list(xs) { $0.number($1) } }

    mutating func array(_ xs: some Sequence<Int>) { list(xs) { $0.number($1) } }

    mutating func array(_ xs: some Sequence<String>) { list(xs) { $0.string($1) } }

    private mutating func list<S: Sequence>(_ xs: S, _ element: (inout JSONText, S.Element) -> Void) {
        raw("[")
        var first = true
        for x in xs {
            if !first { raw(",") }
            first = false
            element(&self, x)
        }
        raw("]")
    }
}
