import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks against peer implementations run in the same invocation (build with -c release).",
        subcommands: [
            RelaxBench.self,
            RecordBench.self,
            PublishBench.self,
            UnlearningBench.self,
            PCBench.self,
            LIFBench.self,
        ])
}
