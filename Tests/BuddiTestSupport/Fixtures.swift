import BuddiPipeline
import DatabaseTestSupport
import Foundation
import JobQueue
import Logging
import PostgresNIO
import Synchronization

/// A clock a test moves by hand.
package final class ManualClock: Sendable {
    private let current: Mutex<Date>

    package init(_ start: Date) {
        current = Mutex(start)
    }

    package var now: Date { current.withLock { $0 } }

    package func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}

extension TestDatabase {
    package var settings: SchedulerSettingsStore {
        SchedulerSettingsStore(client: client, defaults: SchedulerDefaults(), logger: logger)
    }

    package var requests: FetchRequests {
        FetchRequests(client: client, settings: settings, logger: logger)
    }

    /// Pretends fetch job `id` ran from `started` to `finished` with `outcome`, as a worker would
    /// have recorded it.
    package func finishFetch(_ id: Int64, outcome: String, started: Date, finished: Date) async throws {
        let jobState = outcome == "succeeded" ? "completed" : "discarded"
        try await execute("UPDATE jobs SET state = \(jobState), finished_at = now() WHERE id = \(id)")
        try await execute("""
            UPDATE fetch_runs SET outcome = \(outcome), started_at = \(started), finished_at = \(finished), attempts = 1,
                   duration_seconds = \(finished.timeIntervalSince(started))
            WHERE job_id = \(id)
            """)
    }

    /// Inserts `count` processed conversations with the given labels cycling.
    package func insertConversations(_ count: Int, prefix: String = "c") async throws {
        try await execute("""
            INSERT INTO conversations (buddi_id, title, summary, category, raw, memory_created_at, sentiment_score,
                                       sentiment_label, topics, keywords, quality_score, engagement_score,
                                       processing_state, processed_at)
            SELECT \(prefix) || '-' || i, 'Title ' || i, 'Summary of conversation ' || i, 'work', '{}'::jsonb,
                   now() - make_interval(mins => i), 0.5,
                   (ARRAY['positive', 'negative', 'neutral'])[1 + i % 3], ARRAY['work'], ARRAY['plan'], (i % 10) / 10.0, 0.5,
                   'processed', now()
            FROM generate_series(1, \(count)::int) AS i
            """)
    }
}
