import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import PostgresNIO
import Testing

/// The monitoring views of migration 0006, on a known state.
@Suite("Monitoring views")
struct MonitoringViewsTests {
    @Test("each view reports the known state: success rate, processing and errors per hour, growth, depth, oldest job")
    func views() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await db.insertConversations(4)
        try await db.execute("UPDATE conversations SET processing_state = 'failed', processing_error = 'bad' WHERE buddi_id = 'c-1'")
        try await db.execute("""
            INSERT INTO fetch_runs (job_id, trigger, outcome, started_at, finished_at)
            VALUES (101, 'manual', 'succeeded', now(), now()), (102, 'scheduled', 'failed', now(), now()),
                   (103, 'manual', 'running', now(), NULL)
            """)
        try await db.execute("""
            INSERT INTO jobs (kind, run_at, errors) VALUES
                ('probe', now() - interval '60 seconds', jsonb_build_array(jsonb_build_object('attempt', 1, 'at', now()::text, 'message', 'x'))),
                ('probe', now() + interval '1 hour', '[]')
            """)
        try await db.execute("""
            INSERT INTO jobs (kind, state, finished_at, errors) VALUES
                ('probe', 'discarded', now(), jsonb_build_array(
                    jsonb_build_object('attempt', 1, 'at', now()::text, 'message', 'x'),
                    jsonb_build_object('attempt', 2, 'at', now()::text, 'message', 'y')))
            """)
        let rate = try #require(try await db.scalar(
            "SELECT fetches || '/' || succeeded || '/' || failed || '/' || success_rate FROM buddi_fetch_success_rate WHERE day = current_date",
            as: String.self))
        #expect(rate == "3/1/1/0.5000")
        #expect(try await db.scalar("SELECT count(*) FROM buddi_fetch_success_rate", as: Int64.self) == 30)
        #expect(try await db.scalar("SELECT sum(processed)::bigint FROM buddi_conversations_processed_per_hour", as: Int64.self) == 3)
        let errors = try #require(try await db.scalar(
            "SELECT sum(fetch_errors) || '/' || sum(processing_errors) || '/' || sum(job_errors) FROM buddi_errors_per_hour", as: String.self))
        #expect(errors == "1/1/3")
        let growth = try #require(try await db.scalar(
            "SELECT new_conversations || '/' || cumulative_conversations FROM buddi_database_growth_per_day WHERE day = current_date",
            as: String.self))
        #expect(growth == "4/4")
        // Kept per day by a trigger: an older conversation counts on its day and in the running
        // total after it, a deleted one no longer counts.
        try await db.execute("INSERT INTO conversations (buddi_id, raw, fetched_at) VALUES ('old-1', '{}', now() - interval '2 days')")
        try await db.execute("DELETE FROM conversations WHERE buddi_id = 'c-2'")
        let days = try #require(try await db.scalar("""
            SELECT string_agg(new_conversations || '/' || cumulative_conversations, ' ' ORDER BY day)
            FROM buddi_database_growth_per_day WHERE day >= current_date - 2
            """, as: String.self))
        #expect(days == "1/1 0/1 3/4")
        #expect(try await db.scalar("SELECT jobs::bigint FROM buddi_queue_depth WHERE queue = 'default' AND state = 'available'", as: Int64.self) == 2)
        let waited = try #require(try await db.scalar(
            "SELECT oldest_waiting_seconds::float8 FROM buddi_queue_depth WHERE queue = 'default' AND state = 'available'", as: Double.self))
        #expect(waited >= 60 && waited < 600)
        #expect(try await db.scalar("SELECT job_id::bigint FROM buddi_oldest_waiting_job WHERE queue = 'default'", as: Int64.self) == 1)
    }
}
