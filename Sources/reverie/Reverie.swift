import ArgumentParser

// Interim root command on the traces branch; main's Reverie.swift replaces it on merge.
@main
struct Reverie: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reverie",
        subcommands: [
            TraceCommand.self,
            MonitorCommand.self,
            ReplayCommand.self,
        ])
}
