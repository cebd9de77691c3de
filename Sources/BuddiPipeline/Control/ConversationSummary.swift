import PostgresResilience
import Logging
import PostgresNIO

/// What the stored conversations add up to: sentiment distribution and the top topics.
package struct ConversationSummary: Sendable {
    /// Label and count, most frequent first.
    package var sentiment: [(label: String, count: Int)]
    /// Topic and count, most frequent first.
    package var topTopics: [(topic: String, count: Int)]

    /// Reads the summary now.
    package static func read(client: DatabaseClient, topics: Int = 5, logger: Logger) async throws -> ConversationSummary {
        var summary = ConversationSummary(sentiment: [], topTopics: [])
        for try await (label, count) in try await client.query(ControlSQL.sentimentDistribution, logger: logger).decode((String, Int64).self) {
            summary.sentiment.append((label, Int(count)))
        }
        for try await (topic, count) in try await client.query(ControlSQL.topTopics(limit: topics), logger: logger).decode((String, Int64).self) {
            summary.topTopics.append((topic, Int(count)))
        }
        return summary
    }
}
