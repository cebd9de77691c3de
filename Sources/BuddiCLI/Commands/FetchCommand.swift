import ArgumentParser
import BuddiAPI
import BuddiPipeline
import BuddiScheduler
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
        if date != nil, since != nil { throw ValidationError("give --date or --since, not both") }
        if until != nil, since == nil { throw ValidationError("--until needs --since") }
        if let maxConversations, !(1...100_000).contains(maxConversations) {
            throw ValidationError("--max-conversations must be from 1 to 100000, got \(maxConversations)")
        }
        for (flag, value) in [("--date", date), ("--since", since), ("--until", until)] {
            if let value, BuddiDate(value) == nil { throw ValidationError("\(flag) must be a date as YYYY-MM-DD, got '\(value)'") }
        }
        if let since, let until, let first = BuddiDate(since), let last = BuddiDate(until), last < first {
            throw ValidationError("--until (\(until)) is before --since (\(since))")
        }
    }

    func run() async throws {
        let logger = BuddiLogging.root
        let defaults = try SchedulerDefaults.fromEnvironment()
        try await database.withDatabase(logger: logger) { client, _ in
            let settings = SchedulerSettingsStore(client: client, defaults: defaults, logger: logger)
            let args: FetchArgs? = maxConversations == nil && date == nil && since == nil
                ? nil
                : FetchArgs(
                    maxConversations: maxConversations ?? SchedulerSettings.maxConversationsBounds.upperBound,
                    date: date, since: since, until: until)
            let jobID = try await FetchRequests(client: client, settings: settings, logger: logger).requestManual(args, force: force)
            print("enqueued fetch job \(jobID)")
            guard wait else { return }
            // The result goes to stdout; the progress, to stderr.
            let record = try await FetchFollower(client: client, logger: logger).follow(jobID) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            print(record.resultJSON ?? "{}")
        }
    }
}
