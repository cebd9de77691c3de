import ArgumentParser
import JobQueue

/// `--completion-delay-ms`, shared by `buddi worker` and `buddi-lab bench queue`.
package struct CompletionDelayOption: ParsableArguments {
    /// The options as parsed from the command line.
    package init() {}

    @Option(help: "Milliseconds a finished job's outcome may wait for others to be recorded with it (one commit for all); under half of what is left of the lease after a heartbeat.")
    package var completionDelayMs = Int(WorkerConfiguration.defaultCompletionDelay.inSeconds * 1000)

    package var delay: Duration { .milliseconds(completionDelayMs) }

    /// Refuses a delay that `configuration`'s lease does not allow, naming the flag.
    package func check(against configuration: WorkerConfiguration) throws {
        let longest = configuration.maxCompletionDelay
        guard completionDelayMs >= 0, delay < longest else {
            throw ValidationError(
                "--completion-delay-ms must be from 0 to under \(Int(longest.inSeconds * 1000)) (half of what is left of the lease after a heartbeat), got \(completionDelayMs)")
        }
    }
}
