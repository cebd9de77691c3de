import PostgresResilience
import Logging
import PostgresNIO

/// How the conversations a fetch brought in stand.
package struct FetchProcessing: Sendable, Equatable {
    /// Stored by the fetch.
    package var stored: Int
    /// Analysed and anchored.
    package var processed: Int
    /// Recorded as not processable.
    package var failed: Int

    /// Whether every stored conversation has been processed or has failed.
    package var isDone: Bool { processed + failed >= stored }

    /// The processing state of the `stored` conversations fetch job `id` brought in (its result's
    /// `new`): only those not processed yet are counted, from a partial index.
    package static func of(fetchJob id: Int64, stored: Int, client: DatabaseClient, logger: Logger) async throws -> FetchProcessing {
        let rows = try await client.query(ConversationSQL.unprocessed(ofFetchJob: id), logger: logger).decode((Int64, Int64).self)
        var processing = FetchProcessing(stored: stored, processed: stored, failed: 0)
        for try await (pending, failed) in rows {
            processing.processed = stored - Int(pending) - Int(failed)
            processing.failed = Int(failed)
        }
        return processing
    }
}
