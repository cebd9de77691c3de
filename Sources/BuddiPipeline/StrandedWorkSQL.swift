import JobQueue
import PostgresNIO

/// What finds work nothing will do: conversations left pending with no process job, or fetch
/// checkpoint, that will ever take them.
enum StrandedWorkSQL {
    /// Conversation ids held by an unfinished process job or an unfinished fetch's checkpoint
    /// (ids still waiting there for a full batch).
    static let coveredIDs = """
        SELECT (c.id)::bigint AS id FROM jobs j, jsonb_array_elements_text(j.args -> '\(ProcessArgs.conversationIDsKey)') AS c(id)
        WHERE j.kind = 'process' AND j.state IN \(JobState.sqlList(JobState.unfinished))
        UNION ALL
        SELECT (c.id)::bigint FROM jobs j, jsonb_array_elements_text(j.progress -> '\(FetchProgress.unqueuedIDsKey)') AS c(id)
        WHERE j.kind = 'fetch' AND j.state IN \(JobState.sqlList(JobState.unfinished))
        """

    /// How many discarded process jobs may have held a conversation before the sweep gives up on
    /// it (its processing keeps killing its worker, say): an operator's to look at.
    static let maxDiscards = 3

    /// Whether conversation `c` may be swept: no process job holding it was cancelled (an
    /// operator's decision) and fewer than ``maxDiscards`` were discarded (kept as long as
    /// pruning keeps finished jobs).
    static let sweepable = """
        (SELECT count(*) FILTER (WHERE j.state = \(JobState.cancelled.sql)) = 0 AND count(*) FILTER (WHERE j.state = \(JobState.discarded.sql)) < \(maxDiscards)
         FROM jobs j WHERE j.kind = 'process' AND j.state IN \(JobState.sqlList([.cancelled, .discarded]))
           AND j.args -> '\(ProcessArgs.conversationIDsKey)' @> to_jsonb(c.id))
        """

    /// Locks up to `limit` sweepable pending conversations stored more than `graceSeconds` ago
    /// that nothing covers, oldest first; returns their ids.
    static func take(graceSeconds: Double, limit: Int) -> PostgresQuery {
        """
        SELECT c.id FROM conversations c
        WHERE c.processing_state = \(unescaped: ProcessingState.pending.sql) AND c.fetched_at < now() - make_interval(secs => \(graceSeconds))
          AND NOT EXISTS (SELECT 1 FROM (\(unescaped: coveredIDs)) covered WHERE covered.id = c.id)
          AND \(unescaped: sweepable)
        ORDER BY c.id
        LIMIT \(limit)
        FOR UPDATE OF c SKIP LOCKED
        """
    }

    /// How many of fetch job `jobID`'s conversations are pending with nothing that will ever
    /// process them: not covered, and not sweepable.
    static func abandoned(fetchJobID jobID: Int64) -> PostgresQuery {
        """
        SELECT count(*) FROM conversations c
        WHERE c.fetch_job_id = \(jobID) AND c.processing_state = \(unescaped: ProcessingState.pending.sql)
          AND NOT EXISTS (SELECT 1 FROM (\(unescaped: coveredIDs)) covered WHERE covered.id = c.id)
          AND NOT \(unescaped: sweepable)
        """
    }
}
