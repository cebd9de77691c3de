import BuddiLedger
import PostgresNIO

/// Every statement on `conversations`, in one place. Batches travel as typed arrays, one per
/// column (`unnest`), so a page or a batch is one statement whatever its size.
enum ConversationSQL {
    /// The columns a stored conversation is read with (for processing and verification).
    static let columns = """
        id, buddi_id, title, summary, emoji, category, action_items::text AS action_items, metadata, raw,
        memory_created_at, memory_started_at, memory_finished_at,
        (extract(epoch FROM memory_created_at) * 1000000)::int8 AS created_us,
        (extract(epoch FROM memory_finished_at) * 1000000)::int8 AS finished_us,
        sentiment_score, sentiment_label, keywords, topics, quality_score, engagement_score,
        merkle_root, anchor_id, token_id, token_uri, contract_address, processing_state,
        CASE WHEN processing_state = \(ProcessingState.pending.sql)
             THEN COALESCE(jsonb_typeof(raw::jsonb -> 'id') = 'string' AND raw::jsonb ->> 'id' = buddi_id, false) END AS raw_carries_id
        """

    /// Stores a batch of drafts, each complete in one write: the conversation analysed and
    /// fingerprinted, its anchor and its token, in one statement; a Buddi id already stored is
    /// skipped, and gets no anchor or token. Returns the Buddi ids stored, one row each.
    ///
    /// The three ids are taken from their sequences first, so that each row names the others
    /// without reading them back; the anchoring lock (shared) tells the sealer this transaction
    /// may still add anchors. Typed arrays, one per column: the server plans the statement once
    /// and parses nothing but the action items' JSON.
    static func insert(_ rows: MemoryRows, origin: ConversationOrigin, owner: String, contractAddress: String) -> PostgresQuery {
        """
        WITH fence AS MATERIALIZED (SELECT \(unescaped: LedgerLocks.takeAnchoringShared)),
        input AS MATERIALIZED (
            SELECT r.*, nextval('conversations_id_seq') AS conversation_id, nextval('ledger_anchors_id_seq') AS anchor_id,
                   nextval('ledger_tokens_id_seq') AS token_id
            FROM fence, unnest(
                \(rows.buddiIDs)::text[], \(rows.titles)::text[], \(rows.summaries)::text[], \(rows.emojis)::text[],
                \(rows.categories)::text[], \(rows.actionItems)::text[], \(rows.raw)::text[],
                \(rows.createdAt)::float8[], \(rows.startedAt)::float8[], \(rows.finishedAt)::float8[],
                \(rows.sentimentScores)::float8[], \(rows.sentimentLabels)::text[], \(rows.keywords)::text[], \(rows.topics)::text[],
                \(rows.qualityScores)::float8[], \(rows.engagementScores)::float8[], \(rows.merkleRoots)::text[], \(rows.manifests)::text[])
                WITH ORDINALITY AS r(buddi_id, title, summary, emoji, category, action_items, raw, created_at, started_at, finished_at,
                                     sentiment_score, sentiment_label, keywords, topics, quality_score, engagement_score,
                                     merkle_root, manifest, ord)
        ),
        stored AS (
            INSERT INTO conversations (
                id, buddi_id, title, summary, emoji, category, action_items, raw, memory_created_at, memory_started_at,
                memory_finished_at, source, fetch_job_id, sentiment_score, sentiment_label, keywords, topics, quality_score,
                engagement_score, merkle_root, anchor_id, token_id, token_uri, contract_address, processing_state, processed_at,
                trace_id)
            OVERRIDING SYSTEM VALUE
            SELECT i.conversation_id, i.buddi_id, NULLIF(i.title, ''), NULLIF(i.summary, ''), NULLIF(i.emoji, ''), NULLIF(i.category, ''),
                   i.action_items::json, i.raw, to_timestamp(NULLIF(i.created_at, 'NaN')), to_timestamp(NULLIF(i.started_at, 'NaN')),
                   to_timestamp(NULLIF(i.finished_at, 'NaN')), \(origin.source.rawValue), \(origin.fetchJobID), i.sentiment_score, i.sentiment_label,
                   CASE WHEN i.keywords = '' THEN '{}'::text[] ELSE string_to_array(i.keywords, \(MemoryRows.listSeparator)) END,
                   CASE WHEN i.topics = '' THEN '{}'::text[] ELSE string_to_array(i.topics, \(MemoryRows.listSeparator)) END,
                   i.quality_score, i.engagement_score, i.merkle_root, i.anchor_id, i.token_id,
                   'buddi://anchors/' || i.anchor_id || '/tokens/' || i.token_id, \(contractAddress),
                   \(unescaped: ProcessingState.processed.sql), now(), NULLIF((\(rows.traceIDs)::text[])[i.ord::int4], '')
            FROM input i ORDER BY i.ord
            ON CONFLICT (buddi_id) DO NOTHING
            RETURNING id, buddi_id, anchor_id, token_id
        ),
        anchors AS (
            INSERT INTO ledger_anchors (id, merkle_root, manifest, policy, storage_hint) OVERRIDING SYSTEM VALUE
            SELECT s.anchor_id, i.merkle_root, i.manifest, \(Pipeline.anchorPolicy), 'postgres:conversations/' || s.id
            FROM stored s JOIN input i ON i.anchor_id = s.anchor_id ORDER BY s.anchor_id
        ),
        tokens AS (
            INSERT INTO ledger_tokens (id, anchor_id, owner) OVERRIDING SYSTEM VALUE
            SELECT s.token_id, s.anchor_id, \(owner) FROM stored s ORDER BY s.token_id
        )
        SELECT buddi_id FROM stored
        """
    }

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
