import BuddiAPI
import Foundation
import PostgresNIO

/// Every statement on `fetch_runs`, the record of every fetch: requested (with its job, in the
/// enqueuing transaction), then started, failed or finished by the fetch job.
enum FetchRunSQL {
    /// Records a requested fetch. For a scheduled one, a slot already taken inserts nothing.
    static func insert(jobID: Int64, trigger: FetchTrigger, slot: Date?) -> PostgresQuery {
        """
        INSERT INTO fetch_runs (job_id, trigger, slot) VALUES (\(jobID), \(trigger.rawValue), \(slot))
        ON CONFLICT DO NOTHING RETURNING job_id
        """
    }

    /// The fetch job ended before it finished its run (cancelled, or discarded — by the lease
    /// rescuer after a crash on its last attempt, say): the run failed, once, whatever ended it.
    static func endedUnfinished(jobID: Int64, state: String) -> PostgresQuery {
        """
        UPDATE fetch_runs
        SET outcome = \(unescaped: FetchOutcome.failed.sql), finished_at = now(), error = 'the fetch job was ' || \(state) || ' before it finished'
        WHERE job_id = \(jobID) AND outcome IN \(unescaped: FetchOutcome.unfinishedSQL)
        """
    }

    /// An attempt of the fetch job begins.
    static func started(jobID: Int64) -> PostgresQuery {
        """
        UPDATE fetch_runs SET started_at = COALESCE(started_at, now()), outcome = \(unescaped: FetchOutcome.running.sql),
                              attempts = attempts + 1, finished_at = NULL, error = NULL
        WHERE job_id = \(jobID)
        """
    }

    /// The fetch succeeded, with its counts.
    static func succeeded(jobID: Int64, result: FetchResult) -> PostgresQuery {
        """
        UPDATE fetch_runs SET outcome = \(unescaped: FetchOutcome.succeeded.sql), finished_at = now(), pages = \(result.pages),
               memories_seen = \(result.memories_seen), new_conversations = \(result.new),
               duplicates = \(result.duplicates), rejected = \(result.rejected),
               duration_seconds = \(result.duration_seconds), error = NULL
        WHERE job_id = \(jobID)
        """
    }

    /// Adds failed API calls, by kind, to the run's tally.
    static func addAPIErrors(jobID: Int64, counts: [String: Int]) -> PostgresQuery {
        "UPDATE fetch_runs SET api_errors = buddi_add_counts(api_errors, \(json(counts))::jsonb) WHERE job_id = \(jobID)"
    }

    /// Counts as a JSON object.
    private static func json(_ counts: [String: Int]) -> String {
        JSONValue.object(counts.mapValues { .number(Double($0)) }).jsonText
    }

    /// An attempt failed (counting its API error, if any); returns the error-recovery delay the
    /// next attempt waits, in seconds.
    static func failed(jobID: Int64, error: String, apiErrors: [String: Int]) -> PostgresQuery {
        """
        UPDATE fetch_runs SET outcome = \(unescaped: FetchOutcome.failed.sql), finished_at = now(), error = \(error),
               api_errors = buddi_add_counts(api_errors, \(json(apiErrors))::jsonb),
               duration_seconds = EXTRACT(EPOCH FROM now() - started_at)::float8
        WHERE job_id = \(jobID)
        RETURNING COALESCE((SELECT error_recovery_seconds FROM scheduler_settings), 300)
        """
    }

    /// The columns a run is read with.
    static let columns = """
        job_id, trigger, slot, requested_at, started_at, finished_at, outcome, attempts, pages,
        memories_seen, new_conversations, duplicates, rejected, duration_seconds, api_errors::text, error
        """

    /// The most recent run, and the most recent successful one.
    static let latest: PostgresQuery = """
        (SELECT \(unescaped: columns) FROM fetch_runs ORDER BY requested_at DESC, job_id DESC LIMIT 1)
        UNION ALL
        (SELECT \(unescaped: columns) FROM fetch_runs WHERE outcome = \(unescaped: FetchOutcome.succeeded.sql)
         ORDER BY started_at DESC, job_id DESC LIMIT 1)
        """

    /// A page of runs, newest request first (index `fetch_runs_requested`).
    static func page(limit: Int, offset: Int) -> PostgresQuery {
        "SELECT \(unescaped: columns) FROM fetch_runs ORDER BY requested_at DESC, job_id DESC LIMIT \(limit) OFFSET \(offset)"
    }

    /// One run, by its job.
    static func run(jobID: Int64) -> PostgresQuery {
        "SELECT \(unescaped: columns) FROM fetch_runs WHERE job_id = \(jobID)"
    }
}
