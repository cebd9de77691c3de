import PostgresResilience
import Foundation
import Logging
import PostgresNIO

/// What the processed conversations of the 30 days that end with the newest memory say in
/// aggregate (memories are dated by Buddi, not by when they were fetched; the window keeps every
/// query on `conversations_newest` instead of a scan of every conversation): sentiment
/// per day, the most frequent topics, and quality and engagement in ten bins of 0.1. The
/// console's analytics page.
package struct AnalyticsOverview: Sendable {
    /// One day's conversations by sentiment label.
    package struct SentimentDay: Sendable, Equatable {
        package var day: Date
        package var positive: Int
        package var neutral: Int
        package var negative: Int
    }

    /// Days with memories, oldest first (by the memory's creation time), at most 31.
    package var sentimentByDay: [SentimentDay]
    /// The 15 most frequent topics and how many conversations carry each.
    package var topTopics: [(topic: String, count: Int)]
    /// Conversations per score bin: index 0 is [0, 0.1), …, 9 is [0.9, 1].
    package var qualityHistogram: [Int]
    package var engagementHistogram: [Int]

    /// Reads it.
    package static func read(client: DatabaseClient, logger: Logger) async throws -> AnalyticsOverview {
        var days: [SentimentDay] = []
        for try await (day, positive, neutral, negative) in try await client.query("""
            SELECT date_trunc('day', memory_created_at), count(*) FILTER (WHERE sentiment_label = 'positive'),
                   count(*) FILTER (WHERE sentiment_label = 'neutral'), count(*) FILTER (WHERE sentiment_label = 'negative')
            FROM conversations
            WHERE memory_created_at >= (SELECT max(memory_created_at) FROM conversations) - interval '30 days' AND sentiment_label IS NOT NULL
            GROUP BY 1 ORDER BY 1
            """, logger: logger).decode((Date, Int64, Int64, Int64).self) {
            days.append(SentimentDay(day: day, positive: Int(positive), neutral: Int(neutral), negative: Int(negative)))
        }
        var topics: [(String, Int)] = []
        for try await (topic, count) in try await client.query("""
            SELECT topic, count(*) FROM conversations, unnest(topics) AS topic
            WHERE memory_created_at >= (SELECT max(memory_created_at) FROM conversations) - interval '30 days'
              AND processing_state = 'processed'
            GROUP BY topic ORDER BY count(*) DESC, topic LIMIT 15
            """, logger: logger).decode((String, Int64).self) {
            topics.append((topic, Int(count)))
        }
        var quality = Array(repeating: 0, count: 10)
        var engagement = Array(repeating: 0, count: 10)
        for try await (kind, bin, count) in try await client.query("""
            WITH recent AS (
                SELECT quality_score, engagement_score FROM conversations
                WHERE memory_created_at >= (SELECT max(memory_created_at) FROM conversations) - interval '30 days'
                  AND quality_score IS NOT NULL)
            SELECT 'q', LEAST(width_bucket(quality_score, 0, 1, 10), 10), count(*) FROM recent GROUP BY 2
            UNION ALL
            SELECT 'e', LEAST(width_bucket(engagement_score, 0, 1, 10), 10), count(*) FROM recent GROUP BY 2
            """, logger: logger).decode((String, Int32, Int64).self) {
            let index = max(0, min(9, Int(bin) - 1))
            if kind == "q" { quality[index] += Int(count) } else { engagement[index] += Int(count) }
        }
        return AnalyticsOverview(sentimentByDay: days, topTopics: topics, qualityHistogram: quality, engagementHistogram: engagement)
    }
}
