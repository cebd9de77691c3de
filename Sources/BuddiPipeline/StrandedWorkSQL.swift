import PostgresNIO

/// What finds work nothing will do: conversations left pending with no process job, or fetch
/// checkpoint, that will ever take them.
enum StrandedWorkSQL {
    /// Conversation ids held by an unfinished process job or an unfinished fetch's checkpoint
    /// (ids still waiting there for a full batch).
    static let coveredIDs = """
        SELECT (c.id)::bigint AS id FROM jobs j, jsonb_array_elements_text(j.args -> 'conversationIDs') AS c(id)
        WHERE j.kind = 'process' AND j.state IN ('available', 'running', 'retryable')
        UNION ALL
        SELECT (c.id)::bigint FROM jobs j, jsonb_array_elements_text(j.progress -> 'unqueuedIDs') AS c(id)
        WHERE j.kind = 'fetch' AND j.state IN ('available', 'running', 'retryable')
        """

    /// Locks up to `limit` pending conversations stored more than `graceSeconds` ago that nothing
    /// covers, oldest first; returns their ids.
    static func take(graceSeconds: Double, limit: Int) -> PostgresQuery {
        """
        SELECT c.id FROM conversations c
        WHERE c.processing_state = 'pending' AND c.fetched_at < now() - make_interval(secs => \(graceSeconds))
          AND NOT EXISTS (SELECT 1 FROM (\(unescaped: coveredIDs)) covered WHERE covered.id = c.id)
        ORDER BY c.id
        LIMIT \(limit)
        FOR UPDATE OF c SKIP LOCKED
        """
    }
}
