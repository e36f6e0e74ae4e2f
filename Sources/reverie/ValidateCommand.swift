import ArgumentParser
import ReverieSpec

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a model file without running it.",
        discussion: "Every field is checked; an error names the file, the line, the field path and what was expected.")

    @OptionGroup var model: ModelOptions

    func run() throws {
        let spec = try model.load()
        print("\(spec.file): ok — \(spec.name)")
        for p in spec.populations { print("  population \(p.name): \(p.size) \(p.model) units") }
        for line in spec.parts.flatMap(\.projectionLines) { print("  projection " + line) }
        for r in spec.rules { print("  rule \(r.name): \(r.type) " + r.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) }
        for p in spec.patterns {
            switch p.source {
            case .random(let count, let bias): print("  patterns \(p.name): \(count) random on \(p.population), bias \(bias)")
            case .file(let url, let set): print("  patterns \(p.name): \(set.count) from \(url.path) on \(p.population)")
            }
        }
        print("  protocol: " + spec.phases.map { "\($0.name) (\($0.kind))" }.joined(separator: " → "))
        print("  memory: about " + ModelSpec.bytes(spec.memoryUse.reduce(0) { $0 + $1.bytes }))
    }
}
