import Logging
import PostgresNIO

/// How the conversations a fetch brought in stand.
public struct FetchProcessing: Sendable, Equatable {
    /// Stored by the fetch.
    public var stored: Int
    /// Analysed and anchored.
    public var processed: Int
    /// Recorded as not processable.
    public var failed: Int

    /// Whether every stored conversation has been processed or has failed.
    public var isDone: Bool { processed + failed >= stored }

    /// The processing state of fetch job `id`'s conversations.
    public static func of(fetchJob id: Int64, client: PostgresClient, logger: Logger) async throws -> FetchProcessing {
        let rows = try await client.query(ConversationSQL.progress(ofFetchJob: id), logger: logger).decode((Int64, Int64, Int64).self)
        for try await (stored, processed, failed) in rows {
            return FetchProcessing(stored: Int(stored), processed: Int(processed), failed: Int(failed))
        }
        return FetchProcessing(stored: 0, processed: 0, failed: 0)
    }
}
