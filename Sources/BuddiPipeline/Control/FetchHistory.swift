import PostgresResilience
import Logging
import PostgresNIO

/// The history of fetches (`fetch_runs`), newest request first: what the console's fetches page
/// lists.
package struct FetchHistory: Sendable {
    package var runs: [FetchRun]
    /// Every fetch on record.
    package var total: Int

    /// Reads a page of the history.
    package static func read(paging: Paging, client: DatabaseClient, logger: Logger) async throws -> FetchHistory {
        let (runs, total) = try await FetchRun.history(limit: paging.limit, offset: paging.offset, client: client, logger: logger)
        return FetchHistory(runs: runs, total: total)
    }
}
