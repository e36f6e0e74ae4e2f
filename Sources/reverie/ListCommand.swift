import ArgumentParser
import ReverieModels
import ReverieSpec

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the model families, unit models, plasticity rules and protocol phases model files can use.")

    @Flag(help: "Print the unit models' keys as the Markdown table of models/README.md.")
    var markdown = false

    func run() throws {
        let registry = Registry.standard
        if markdown { print(Self.markdownTable(registry), terminator: ""); return }
        print("unit models (populations[].model), by family:")
        for f in registry.families {
            print("  \(f.name): \(f.summary)")
            for u in f.unitModels {
                print("    \(u.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(u.summary) [time in \(u.timeUnit)]")
                for k in u.keys { print("      " + k.line) }
            }
        }
        print("plasticity rules (rules[].type, parameters with defaults):")
        for r in registry.rules {
            print("  \(r.type.padding(toLength: 20, withPad: " ", startingAt: 0)) \(r.summary); acts \(r.trigger.rawValue)  [\(r.parameterList)]")
        }
        print("protocol phases (protocol[].phase):")
        for p in registry.phases { print("  \(p.kind.padding(toLength: 14, withPad: " ", startingAt: 0)) \(p.summary)") }
    }

    /// One row per unit-model key: the schema table of models/README.md, generated from the registry.
    static func markdownTable(_ registry: Registry) -> String {
        var out = "| family | model | key | unit | default | meaning |\n|---|---|---|---|---|---|\n"
        for f in registry.families {
            for u in f.unitModels {
                if u.keys.isEmpty { out += "| \(f.name) | `\(u.name)` | | | | \(u.summary) |\n" }
                for k in u.keys {
                    out += "| \(f.name) | `\(u.name)` | `\(k.name)` | \(k.unit) | \(k.defaultValue ?? "required") | \(k.meaning) |\n"
                }
            }
        }
        return out
    }
}
