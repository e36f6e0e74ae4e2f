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
        let rules = PlasticityRegistry.entries.map { ($0.type, $0.summary, $0.parameters) }
            + SpikeTimingRegistry.entries.map { ($0.type, $0.summary + " (spiking projections)", $0.parameters) }
        for (type, summary, parameters) in rules {
            let params = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            print("  \(type.padding(toLength: 20, withPad: " ", startingAt: 0)) \(summary)  [\(params)]")
        }
        print("protocol phases (protocol[].phase):")
        for p in PhaseRegistry.phases { print("  \(p.kind.padding(toLength: 14, withPad: " ", startingAt: 0)) \(p.summary)") }
    }
}
