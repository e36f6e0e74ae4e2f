import ArgumentParser

struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Sweeps that reproduce the results in docs/science.md, written as CSV and SVG.",
        subcommands: [
            CapacityExperiment.self,
            UnlearningExperiment.self,
            SleepExperiment.self,
            PCExperiment.self,
        ])
}
