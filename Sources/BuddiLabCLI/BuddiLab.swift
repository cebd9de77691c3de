import ArgumentParser
import BuddiRuntime

/// The `buddi-lab` command: what measures and breaks buddi, kept out of the `buddi` operators
/// deploy.
@main
struct BuddiLabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buddi-lab",
        abstract: "Measure buddi's speed and break it on purpose: benchmarks and the chaos suite.",
        discussion: """
            It runs real `buddi` processes (the executable built beside it) where a benchmark or \
            a scenario needs them. Use a release build of both: swift build -c release.
            """,
        version: buddiVersion,
        subcommands: [BenchCommand.self, ChaosCommand.self]
    )

    /// Runs the command; an error is one line on stderr and a non-zero exit.
    static func main() async {
        await runAsRoot()
    }
}
