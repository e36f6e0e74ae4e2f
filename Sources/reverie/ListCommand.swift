import ArgumentParser
import ReverieModels
import ReverieSpec

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the unit models, plasticity rules and protocol phases model files can use.")

    func run() throws {
        print("unit models (populations[].model):")
        for e in UnitModelRegistry.entries { print("  \(e.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(e.summary)") }
        print("plasticity rules (rules[].type, parameters with defaults):")
        for e in PlasticityRegistry.entries {
            let params = e.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            print("  \(e.type.padding(toLength: 14, withPad: " ", startingAt: 0)) \(e.summary)  [\(params)]")
        }
        print("protocol phases (protocol[].phase):")
        for p in PhaseRegistry.phases { print("  \(p.kind.padding(toLength: 14, withPad: " ", startingAt: 0)) \(p.summary)") }
    }
}
