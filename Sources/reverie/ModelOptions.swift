import ArgumentParser
import Foundation
import ReverieSpec

/// The model file and the overrides every model-reading command takes.
struct ModelOptions: ParsableArguments {
    @Argument(help: "Path to a model file (YAML or JSON).")
    var model: String

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a field: key=value, e.g. populations.memory.size=500 or protocol[1].initial_overlap=0.8 (repeatable).",
        valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: ArgumentHelp("Refuse models that would need more memory than this (GB; default: the machine's).", valueName: "GB"))
    var maxMemory: Double?

    func validate() throws {
        for o in overrides where !o.contains("=") || o.hasPrefix("=") {
            throw ValidationError("--set \(o): expected key=value")
        }
        if let maxMemory, !(maxMemory > 0 && maxMemory.isFinite) { throw ValidationError("--max-memory must be a positive number of GB") }
    }

    func load() throws -> ModelSpec {
        try ModelFileExit.guarding {
            try ModelSpec.load(path: model, overrides: overrides, memoryLimit: maxMemory.map { $0 * 1e9 } ?? ModelSpec.defaultMemoryLimit)
        }
    }
}

/// Problems with a model file (or an override) are printed without the usage
/// text and end the command with status 65 (EX_DATAERR); command-line mistakes
/// keep ArgumentParser's 64.
enum ModelFileExit {
    static let status: Int32 = 65

    /// Runs `body`, turning a `ModelError` into that exit.
    static func guarding<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ModelError {
            FileHandle.standardError.write(Data("Error: \(e)\n".utf8))
            throw ExitCode(status)
        }
    }
}
