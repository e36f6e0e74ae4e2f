import ArgumentParser
import ReverieSpec

/// The model file and the overrides every model-reading command takes.
struct ModelOptions: ParsableArguments {
    @Argument(help: "Path to a model file (YAML or JSON).")
    var model: String

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a field: key=value, e.g. populations.memory.size=500 or protocol[1].initial_overlap=0.8 (repeatable).",
        valueName: "key=value"))
    var overrides: [String] = []

    func validate() throws {
        for o in overrides where !o.contains("=") || o.hasPrefix("=") {
            throw ValidationError("--set \(o): expected key=value")
        }
    }

    func load() throws -> ModelSpec {
        do { return try ModelSpec.load(path: model, overrides: overrides) }
        catch let e as ModelError { throw ValidationError(e.description) }
    }
}
