import Foundation
import LibFuzzerDriver
import ReverieModels
import ReverieSpec

/// One input: optional `--set key=value` lines, then a model file (YAML). The
/// text goes through `SpecNode.parse` and `SpecNode.override`, and is written to
/// a scratch `models/` folder (next to a link to the repository's `traces/`, so
/// seeds that replay samples resolve) for `ModelSpec.load(path:overrides:registry:)` with the
/// standard registry (every family).
/// Every outcome must be a model or a `ModelError`-style thrown error.
@main
enum FuzzModelFile {
    static func main() { runLibFuzzer(testOneInput) }
}

/// libFuzzer's per-input callback (also the symbol its runtime links against).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ input: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let bytes = input else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var overrides: [String] = []
    while let first = lines.first, first.hasPrefix("--set ") { overrides.append(String(first.dropFirst(6))); lines.removeFirst() }
    let model = lines.joined(separator: "\n")
    if var node = try? SpecNode.parse(model, file: "fuzz.yaml") {
        for o in overrides { try? node.override(o) }
    }
    let path = Scratch.shared.model
    guard (try? Data(model.utf8).write(to: URL(fileURLWithPath: path))) != nil else { return 0 }
    _ = try? ModelSpec.load(path: path, overrides: overrides, registry: .standard)
    return 0
}

/// `$TMPDIR/reverie-fuzz-PID/models/fuzz.yaml`, with `traces` linked to the repository's.
final class Scratch: Sendable {
    static let shared = Scratch()
    let model: String
    init() {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: root.appendingPathComponent("models"), withIntermediateDirectories: true)
        let repo = ProcessInfo.processInfo.environment["REVERIE_REPO"] ?? FileManager.default.currentDirectoryPath
        try? FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("traces").path,
                                                    withDestinationPath: repo + "/traces")
        model = root.appendingPathComponent("models/fuzz.yaml").path
    }
}
