import ArgumentParser
import ReverieSpec

@main
struct Reverie: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reverie",
        abstract: "An event-driven simulator of recurrent networks whose units are message-passing actors that learn with local rules.",
        discussion: """
        A model file (YAML, see models/README.md) declares populations of units, projections \
        between them, plasticity rules, pattern sets, and a protocol: a list of phases such as \
        learn, test and run. `reverie run` executes the protocol with an explicit seed, so the \
        same file and seed give the same results byte for byte.

        Start here:
          reverie run models/hopfield-hebbian.yaml            store and retrieve patterns
          reverie run models/hopfield-unlearning.yaml         overload, then dream: unlearning (flagship)
          reverie run models/hopfield-hebbian.yaml --set patterns.memories.count=200
          reverie validate models/hopfield-hebbian.yaml       check a file without running it
          reverie list                                        unit models, rules and phases
          reverie experiment experiments/capacity.yaml --out capacity   retrieval vs load (docs/science.md §2)
          reverie list --markdown                             the unit models' keys as a table
        """,
        version: ReverieVersion.current,
        subcommands: [
            RunCommand.self,
            ValidateCommand.self,
            ListCommand.self,
            ExperimentCommand.self,
            
            TraceCommand.self,
            ExportNetworkCommand.self,
            MonitorCommand.self,
            ReplayCommand.self,
        ])
}
