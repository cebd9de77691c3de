import BuddiRuntime
import ArgumentParser
import BuddiAPI
import BuddiPipeline
import Foundation
import JobQueue
import PostgresNIO

/// `buddi fetch`: enqueues a manual fetch, and with `--wait` follows it to the end.
struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Enqueue a fetch of memories from the Buddi API (workers run it).",
        discussion: """
            Without --date or --since it fetches the newest memories down to the newest one already stored. \
            Like the scheduler's, a manual fetch is refused while another is in progress or within the \
            minimum spacing (1 h) of the last successful one, unless --force.
            """)

    @OptionGroup var database: DatabaseOptions

    @Flag(help: "Wait for the fetch to finish, print its result, then follow the processing it enqueued to the end.")
    var wait = false

    @Option(help: "Only this day (YYYY-MM-DD).")
    var date: String?

    @Option(help: "Backfill from this day (YYYY-MM-DD)…")
    var since: String?

    @Option(help: "…to this day (YYYY-MM-DD, default: --since).")
    var until: String?

    @Option(help: "The most memories to take (1…100000; default: the scheduler's max_conversations_per_fetch).")
    var maxConversations: Int?

    @Flag(help: "Fetch even if another fetch is in progress or the last one was less than the minimum spacing ago.")
    var force = false

    func validate() throws {
        _ = try manualFetch
    }

    /// The fetch asked for; a bad option is refused naming the flag.
    var manualFetch: ManualFetch {
        get throws {
            do {
                return try ManualFetch(maxConversations: maxConversations, date: date, since: since, until: until)
            } catch {
                throw ValidationError(error.message { "--" + $0.replacingOccurrences(of: "_", with: "-") })
            }
        }
    }

    func run() async throws {
        try BuddiEnvironment.current.check([.tracing])
        let logger = BuddiLogging.root
        let defaults = try BuddiEnvironment.current.scheduler()
        let fetch = try manualFetch
        try await database.withDatabase(logger: logger) { client, _ in
            let settings = SchedulerSettingsStore(client: client, defaults: defaults, logger: logger)
            // Traced when OTEL_* says so: the request's span is exported before the command returns.
            let jobID = try await BuddiTracing.run(serviceName: "buddi-fetch", logger: logger) {
                try await FetchRequests(client: client, settings: settings, logger: logger).requestManual(fetch, force: force)
            }
            print("enqueued fetch job \(jobID)")
            guard wait else { return }
            // The result goes to stdout; the progress, to stderr.
            let bar = TerminalProgress("processing", unit: "conversations")
            let record = try await FetchFollower(client: client, logger: logger).follow(
                jobID,
                report: { line in
                    bar.finish()
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                },
                progress: { bar.update($0, of: $1) })
            bar.finish()
            print(record.resultJSON ?? "{}")
        }
    }
}
