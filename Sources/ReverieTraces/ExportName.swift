import Foundation

/// Names from trace headers are data, never paths: before a population name
/// becomes a directory (sonata-npy) or a space-separated CSV token it is mapped
/// to a safe, non-empty name of at most 100 bytes made of letters, digits and
/// `- _ . +` that does not start with a dot (so never `.`, `..` or hidden), and
/// names that collide after mapping get `-2`, `-3`, … suffixes.
public enum ExportName {
    public static let maxBytes = 100
    private static let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_.+"))

    /// The safe form of one name (collisions not resolved).
    public static func component(_ name: String) -> String {
        var s = String(String.UnicodeScalarView(name.unicodeScalars.map { allowed.contains($0) ? $0 : "_" }))
        if s.isEmpty || s.hasPrefix(".") { s = "_" + s }
        if s.utf8.count > maxBytes {
            let tag = "-" + String(format: "%08x", CRC32.checksum(Array(name.utf8)))
            var cut = ""
            for c in s.unicodeScalars {
                if cut.utf8.count + String(c).utf8.count > maxBytes - tag.utf8.count { break }
                cut.unicodeScalars.append(c)
            }
            s = cut + tag
        }
        return s
    }

    /// Safe, pairwise different names for `names`, in order.
    public static func unique(_ names: [String]) -> [String] {
        var used = Set<String>()
        return names.map { name in
            let base = component(name)
            var candidate = base
            var k = 2
            while used.contains(candidate) { candidate = "\(base)-\(k)"; k += 1 }
            used.insert(candidate)
            return candidate
        }
    }
}
