import PostgresResilience
import Foundation
import Logging
import PostgresNIO

/// Jobs completed and conversations processed per time bucket: the console's throughput charts,
/// per minute over the last hour or per hour over the last day. Every bucket of the span is
/// present (zero when nothing happened), oldest first. Both counts are index-backed
/// (`jobs_finished`, `conversations_processed_at`).
package struct ActivitySeries: Sendable, Equatable {
    /// How wide a bucket is, and how many of them make the span.
    package enum Span: String, Sendable, CaseIterable {
        /// Sixty one-minute buckets.
        case lastHour = "hour"
        /// Twenty-four one-hour buckets.
        case lastDay = "day"

        var unit: String { self == .lastHour ? "minute" : "hour" }
        var buckets: Int { self == .lastHour ? 60 : 24 }
    }

    /// One bucket: when it starts, and what finished in it.
    package struct Bucket: Sendable, Equatable {
        package var start: Date
        package var jobsCompleted: Int
        package var conversationsProcessed: Int
    }

    package var span: Span
    package var buckets: [Bucket]

    /// Reads the series ending with the current bucket.
    package static func read(_ span: Span, client: DatabaseClient, logger: Logger) async throws -> ActivitySeries {
        let rows = try await client.query(PostgresQuery(unsafeSQL: """
            WITH buckets AS (
                SELECT generate_series(date_trunc('\(span.unit)', now()) - interval '1 \(span.unit)' * \(span.buckets - 1),
                                       date_trunc('\(span.unit)', now()), interval '1 \(span.unit)') AS start),
            jobs AS (
                SELECT date_trunc('\(span.unit)', finished_at) AS start, count(*) AS n FROM jobs
                WHERE state = 'completed' AND finished_at >= (SELECT min(start) FROM buckets) GROUP BY 1),
            conversations AS (
                SELECT date_trunc('\(span.unit)', processed_at) AS start, count(*) AS n FROM conversations
                WHERE processed_at >= (SELECT min(start) FROM buckets) GROUP BY 1)
            SELECT buckets.start, COALESCE(jobs.n, 0), COALESCE(conversations.n, 0)
            FROM buckets LEFT JOIN jobs USING (start) LEFT JOIN conversations USING (start) ORDER BY buckets.start
            """), logger: logger)
        var buckets: [Bucket] = []
        for try await (start, jobs, conversations) in rows.decode((Date, Int64, Int64).self) {
            buckets.append(Bucket(start: start, jobsCompleted: Int(jobs), conversationsProcessed: Int(conversations)))
        }
        return ActivitySeries(span: span, buckets: buckets)
    }
}
