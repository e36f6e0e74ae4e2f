import Foundation
import ReverieModels
import ReverieSpec

/// Loads a model given as text, through a temporary file (errors name that file).
func loadModel(_ text: String, overrides: [String] = []) throws -> ModelSpec {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("reverie-\(UUID().uuidString).yaml")
    try text.write(to: url, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: url) }
    return try ModelSpec.load(path: url.path, overrides: overrides)
}
