import PostgresNIO

/// Every statement on `rejected_memories`.
enum RejectionSQL {
    /// Records the rejections of fetch `jobID`'s pages; one met before (the same Buddi id, or the
    /// same place in the same fetch) is updated instead: seen again, by this fetch, for this reason.
    static func record(_ rejections: [MemoryRejection], jobID: Int64) -> PostgresQuery {
        let cursors = rejections.map { $0.pageCursor ?? "" }
        let hasCursor = rejections.map { $0.pageCursor != nil }
        let positions = rejections.map { Int32(clamping: $0.position) }
        let ids = rejections.map { $0.buddiID ?? "" }
        return """
            INSERT INTO rejected_memories AS r (identity, fetch_job_id, page_cursor, position, buddi_id, reason, excerpt)
            SELECT DISTINCT ON (identity) identity, \(jobID), page_cursor, position, buddi_id, reason, excerpt
            FROM (
                SELECT CASE WHEN u.buddi_id <> '' THEN 'id:' || md5(u.buddi_id)
                            ELSE 'at:' || \(jobID) || ':' || md5(u.cursor) || ':' || u.position END AS identity,
                       CASE WHEN u.has_cursor THEN u.cursor END AS page_cursor, u.position,
                       NULLIF(u.buddi_id, '') AS buddi_id, u.reason, u.excerpt, u.ord
                FROM unnest(\(cursors)::text[], \(hasCursor)::bool[], \(positions)::int4[], \(ids)::text[],
                            \(rejections.map(\.reason))::text[], \(rejections.map(\.excerpt))::text[])
                     WITH ORDINALITY AS u(cursor, has_cursor, position, buddi_id, reason, excerpt, ord)
            ) AS rows
            ORDER BY identity, ord
            ON CONFLICT (identity) DO UPDATE
            SET fetch_job_id = excluded.fetch_job_id, page_cursor = excluded.page_cursor, position = excluded.position,
                reason = excluded.reason, excerpt = excluded.excerpt, last_seen_at = now(),
                times_seen = r.times_seen + CASE WHEN r.fetch_job_id = excluded.fetch_job_id THEN 0 ELSE 1 END
            """
    }
}
