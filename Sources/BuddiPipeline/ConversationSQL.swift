import PostgresNIO

/// Every statement on `conversations`, in one place. Batches travel as typed arrays, one per
/// column (`unnest`), so a page or a batch is one statement whatever its size.
enum ConversationSQL {
    /// The columns a stored conversation is read with (for processing and verification).
    static let columns = """
        id, buddi_id, title, summary, emoji, category, action_items::text AS action_items,
        metadata::text AS metadata, memory_created_at, memory_started_at, memory_finished_at,
        sentiment_score, sentiment_label, keywords, topics, quality_score, engagement_score,
        merkle_root, anchor_id, token_id, token_uri, contract_address, processing_state,
        (jsonb_typeof(raw -> 'id') = 'string' AND raw ->> 'id' = buddi_id) AS raw_carries_id
        """

    /// Inserts a page of memories; a Buddi id already stored is skipped. Returns the new rows.
    /// Typed arrays, one per column ("" is NULL for text, NaN for times): the server parses each
    /// JSON value once, at execution, and plans the statement without looking into them.
    static func insert(_ rows: MemoryRows, fetchJobID: Int64) -> PostgresQuery {
        """
        INSERT INTO conversations (buddi_id, title, summary, emoji, category, action_items, metadata, raw,
                                   memory_created_at, memory_started_at, memory_finished_at, fetch_job_id)
        SELECT r.buddi_id, NULLIF(r.title, ''), NULLIF(r.summary, ''), NULLIF(r.emoji, ''), NULLIF(r.category, ''),
               r.action_items::jsonb, r.metadata::jsonb, r.raw::jsonb,
               to_timestamp(NULLIF(r.created_at, 'NaN')), to_timestamp(NULLIF(r.started_at, 'NaN')),
               to_timestamp(NULLIF(r.finished_at, 'NaN')), \(fetchJobID)
        FROM unnest(\(rows.buddiIDs)::text[], \(rows.titles)::text[], \(rows.summaries)::text[], \(rows.emojis)::text[],
                    \(rows.categories)::text[], \(rows.actionItems)::text[], \(rows.metadata)::text[], \(rows.raw)::text[],
                    \(rows.createdAt)::float8[], \(rows.startedAt)::float8[], \(rows.finishedAt)::float8[])
             WITH ORDINALITY AS r(buddi_id, title, summary, emoji, category, action_items, metadata, raw,
                                  created_at, started_at, finished_at, ord)
        ORDER BY r.ord
        ON CONFLICT (buddi_id) DO NOTHING
        RETURNING id
        """
    }

    /// The newest stored memory: the scheduled fetch's watermark.
    static let newestStored: PostgresQuery = """
        SELECT buddi_id, memory_created_at FROM conversations
        WHERE memory_created_at IS NOT NULL
        ORDER BY memory_created_at DESC NULLS LAST LIMIT 1
        """

    /// Locks a batch for processing.
    static func lockForProcessing(ids: [Int64]) -> PostgresQuery {
        "SELECT \(unescaped: columns) FROM conversations WHERE id = ANY(\(ids)::int8[]) ORDER BY id FOR UPDATE"
    }

    /// One conversation by its Buddi id.
    static func byBuddiID(_ buddiID: String) -> PostgresQuery {
        "SELECT \(unescaped: columns) FROM conversations WHERE buddi_id = \(buddiID)"
    }

    /// Processed conversations after `afterID`, in id order, a page at a time.
    static func processed(afterID: Int64, limit: Int) -> PostgresQuery {
        """
        SELECT \(unescaped: columns) FROM conversations
        WHERE processing_state = \(unescaped: ProcessingState.processed.sql) AND id > \(afterID) ORDER BY id LIMIT \(limit)
        """
    }

    /// Records analytics and tokenization for a batch, one typed array per column (keywords and
    /// topics joined by U+001F, which no word contains).
    static func recordProcessed(_ rows: [ProcessedRow]) -> PostgresQuery {
        let separator = "\u{1F}"
        return """
        UPDATE conversations c SET
            sentiment_score = r.sentiment_score, sentiment_label = r.sentiment_label,
            keywords = CASE WHEN r.keywords = '' THEN '{}'::text[] ELSE string_to_array(r.keywords, \(separator)) END,
            topics = CASE WHEN r.topics = '' THEN '{}'::text[] ELSE string_to_array(r.topics, \(separator)) END,
            quality_score = r.quality_score, engagement_score = r.engagement_score,
            merkle_root = r.merkle_root, anchor_id = r.anchor_id, token_id = r.token_id,
            token_uri = r.token_uri, contract_address = r.contract_address,
            processing_state = \(unescaped: ProcessingState.processed.sql), processing_error = NULL, processed_at = now(), updated_at = now()
        FROM unnest(\(rows.map(\.id))::int8[], \(rows.map(\.sentimentScore))::float8[], \(rows.map(\.sentimentLabel))::text[],
                    \(rows.map { $0.keywords.joined(separator: separator) })::text[],
                    \(rows.map { $0.topics.joined(separator: separator) })::text[],
                    \(rows.map(\.qualityScore))::float8[], \(rows.map(\.engagementScore))::float8[],
                    \(rows.map(\.merkleRoot))::text[], \(rows.map(\.anchorID))::int8[], \(rows.map(\.tokenID))::int8[],
                    \(rows.map(\.tokenURI))::text[], \(rows.map(\.contractAddress))::text[])
             AS r(id, sentiment_score, sentiment_label, keywords, topics, quality_score, engagement_score,
                  merkle_root, anchor_id, token_id, token_uri, contract_address)
        WHERE c.id = r.id
        """
    }

    /// Records why conversations could not be processed.
    static func recordFailed(_ rows: [FailedRow]) -> PostgresQuery {
        """
        UPDATE conversations c SET processing_state = \(unescaped: ProcessingState.failed.sql), processing_error = r.error, updated_at = now()
        FROM unnest(\(rows.map(\.id))::int8[], \(rows.map(\.error))::text[]) AS r(id, error)
        WHERE c.id = r.id
        """
    }

    /// How a fetch's conversations stand: stored, processed, failed.
    /// A fetch's conversations still pending, and failed: read from the partial index of
    /// unprocessed conversations (processed ones are the rest of what it stored).
    static func unprocessed(ofFetchJob id: Int64) -> PostgresQuery {
        """
        SELECT count(*) FILTER (WHERE processing_state = \(unescaped: ProcessingState.pending.sql)), count(*) FILTER (WHERE processing_state = \(unescaped: ProcessingState.failed.sql))
        FROM conversations WHERE fetch_job_id = \(id) AND processing_state <> \(unescaped: ProcessingState.processed.sql)
        """
    }
}
