import BuddiRuntime
import ArgumentParser
import BuddiAPI
import Foundation

/// `buddi api`: talks to the configured Buddi API.
struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Talk to the Buddi API configured by BUDDI_API_BASE_URL and BUDDI_API_KEY.",
        subcommands: [Check.self]
    )

    /// `buddi api check`: one call, and what came back.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Call the Buddi API once and say what came back, or the one clear error.",
            discussion: """
                Fetches one page of memories from BUDDI_API_BASE_URL (default \
                \(BuddiAPIConfiguration.defaultBaseURL.absoluteString)) with BUDDI_API_KEY and prints how \
                many came back and the newest one's id and time. The first thing to run with a new key. \
                Exits non-zero, with one line on stderr, if the call fails.
                """)

        @Option(help: "Memories to ask for, 1 to 20.")
        var limit = 20

        func validate() throws {
            guard (1...BuddiAPIConfiguration.maxPageSize).contains(limit) else {
                throw ValidationError("--limit must be from 1 to \(BuddiAPIConfiguration.maxPageSize)")
            }
        }

        func run() async throws {
            var configuration = try BuddiEnvironment.current.api()
            configuration.retry.maxRetries = 2
            let page = try await BuddiAPIClient.withClient(configuration: configuration, logger: BuddiLogging.root) {
                try await $0.fetchPage(MemoryQuery(pageSize: limit))
            }
            var summary = "\(configuration.baseURL.absoluteString): \(page.memories.count) memories"
            if let newest = page.memories.first {
                let time = newest.createdAt.map { $0.formatted(.iso8601) } ?? "no time"
                summary += ", newest \(newest.id) at \(time)"
            }
            if !page.skipped.isEmpty { summary += ", \(page.skipped.count) unreadable (see the warnings above)" }
            summary += page.nextCursor == nil ? ", no further page" : ", more pages follow"
            print(summary)
        }
    }
}
