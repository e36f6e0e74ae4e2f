import ArgumentParser

/// The benchmarks, beside the tool (not in the shipped `reverie` binary): each
/// runs Reverie and a peer implementation in the same invocation and reports
/// CPU time, best of repeats, and the ratio. Build with `-c release`.
@main
struct ReverieBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reverie-bench",
        abstract: "Benchmarks against peer implementations run in the same invocation (build with -c release).",
        subcommands: [
            RelaxBench.self,
            RecordBench.self,
            PublishBench.self,
            UnlearningBench.self,
            PCBench.self,
            LIFBench.self,
            DAMBench.self,
            CUBABench.self,
            RooflineBench.self,
            ThreadsBench.self,
        ])
}

/// A benchmark that cannot go on (a peer failed, repeats disagree).
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
