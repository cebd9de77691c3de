import PostgresNIO

/// Every statement on `rejected_memories`.
enum RejectionSQL {
    /// Records the rejections met by fetch `jobID`'s pages, or by webhook deliveries (`jobID`
    /// nil, each naming its delivery); one met before (the same Buddi id, the same place in the
    /// same fetch, or the same delivery) is updated instead: seen again, by this fetch or
    /// delivery, for this reason.
    static func record(_ rejections: [MemoryRejection], jobID: Int64?) -> PostgresQuery {
        let cursors = rejections.map { $0.pageCursor ?? "" }
        let hasCursor = rejections.map { $0.pageCursor != nil }
        let positions = rejections.map { Int32(clamping: $0.position) }
        let ids = rejections.map { $0.buddiID ?? "" }
        let deliveries = rejections.map { $0.webhookID ?? "" }
        return """
            INSERT INTO rejected_memories AS r (identity, fetch_job_id, webhook_id, page_cursor, position, buddi_id, reason, excerpt)
            SELECT DISTINCT ON (identity) identity, \(jobID)::int8, webhook_id, page_cursor, position, buddi_id, reason, excerpt
            FROM (
                SELECT CASE WHEN u.buddi_id <> '' THEN 'id:' || md5(u.buddi_id)
                            WHEN u.webhook_id <> '' THEN 'webhook:' || md5(u.webhook_id)
                            ELSE 'at:' || \(jobID)::int8 || ':' || md5(u.cursor) || ':' || u.position END AS identity,
                       CASE WHEN u.has_cursor THEN u.cursor END AS page_cursor, u.position,
                       NULLIF(u.buddi_id, '') AS buddi_id, NULLIF(u.webhook_id, '') AS webhook_id, u.reason, u.excerpt, u.ord
                FROM unnest(\(cursors)::text[], \(hasCursor)::bool[], \(positions)::int4[], \(ids)::text[], \(deliveries)::text[],
                            \(rejections.map(\.reason))::text[], \(rejections.map(\.excerpt))::text[])
                     WITH ORDINALITY AS u(cursor, has_cursor, position, buddi_id, webhook_id, reason, excerpt, ord)
            ) AS rows
            ORDER BY identity, ord
            ON CONFLICT (identity) DO UPDATE
            SET fetch_job_id = excluded.fetch_job_id, webhook_id = excluded.webhook_id, page_cursor = excluded.page_cursor, position = excluded.position,
                reason = excluded.reason, excerpt = excluded.excerpt, last_seen_at = now(),
                times_seen = r.times_seen + CASE WHEN r.fetch_job_id = excluded.fetch_job_id THEN 0 ELSE 1 END
            """
    }
}
