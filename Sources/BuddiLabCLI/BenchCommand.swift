import ArgumentParser

/// `buddi-lab bench …`: speed measurements (run them from a release build).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure buddi's speed (use a release build: swift build -c release).",
        subcommands: [QueueBenchCommand.self, IngestBenchCommand.self, WebhookBenchCommand.self, SoakBenchCommand.self, APIBenchCommand.self, AnalyzeBenchCommand.self])
}
