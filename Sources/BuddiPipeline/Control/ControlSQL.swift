import Foundation
import JobQueue
import PostgresNIO

/// The statements behind the operators' views: conversation listings and exports, and the
/// counts `status` and `/metrics` report. Conversations are rendered as JSON (or CSV lines) by
/// the server, so a row travels as one text value and is never rebuilt in Swift.
enum ControlSQL {
    /// A conversation as the API shows it: one JSON object.
    static let conversationJSON = """
        json_build_object(
            'id', id, 'buddi_id', buddi_id, 'title', title, 'summary', summary, 'emoji', emoji,
            'category', category, 'action_items', action_items, 'created_at', memory_created_at,
            'started_at', memory_started_at, 'finished_at', memory_finished_at, 'fetched_at', fetched_at,
            'sentiment_score', sentiment_score, 'sentiment_label', sentiment_label, 'keywords', keywords,
            'topics', topics, 'quality_score', quality_score, 'engagement_score', engagement_score,
            'merkle_root', merkle_root, 'anchor_id', anchor_id, 'token_id', token_id, 'token_uri', token_uri,
            'contract_address', contract_address, 'processing_state', processing_state, 'source', source,
            'processing_error', processing_error, 'is_exported', is_exported, 'trace_id', trace_id)::text
        """

    /// The CSV export's columns, in order.
    static let csvColumns = [
        "id", "buddi_id", "title", "summary", "category", "memory_created_at", "sentiment_score", "sentiment_label",
        "quality_score", "engagement_score", "topics", "keywords", "merkle_root", "anchor_id", "token_id", "token_uri",
        "contract_address", "processing_state", "source",
    ]

    /// Webhook deliveries refused in the last 24 hours, by outcome (whole hours: the counts are hourly).
    static let webhookRefusalsLastDay: PostgresQuery = """
        SELECT outcome, sum(deliveries)::int8 FROM webhook_refusals_per_hour
        WHERE hour > date_trunc('hour', now() - interval '24 hours') GROUP BY outcome
        """

    /// A conversation as one CSV line (RFC 4180 quoting; arrays joined with `;`).
    static let conversationCSV: String = {
        let fields = csvColumns.map { column -> String in
            let value = ["topics", "keywords"].contains(column) ? "array_to_string(\(column), ';')" : "\(column)::text"
            return "'\"' || replace(COALESCE(\(value), ''), '\"', '\"\"') || '\"'"
        }
        return "concat_ws(',', \(fields.joined(separator: ", ")))"
    }()

    /// The words of title and summary together, for `q`: the expression of the index
    /// `conversations_text_words` (migration 0002). Angle brackets are blanked first, so that
    /// markup reads as words instead of a tag the parser would drop.
    static let textVector = """
        to_tsvector('simple', replace(replace(COALESCE(title, '') || ' ' || COALESCE(summary, ''), '<', ' '), '>', ' '))
        """

    /// `q` (parameter $7, as its ILIKE pattern) as a query of word beginnings
    /// (`buddi_word_query`, migration 0002), which the planner computes from the value bound.
    static let textWords = "buddi_word_query($7)"

    /// A filter's conditions, on parameters $1…$8 (NULL for "any"), and their values. A given
    /// parameter makes its condition the plain one (the planner folds `$n IS NULL` away for the
    /// values bound), so each can use its index; `q` is looked up by its words in the full-text
    /// index over title and summary together, then checked as a phrase on each.
    private static func matching(_ filter: ConversationFilter) -> (conditions: String, binds: PostgresBindings) {
        let pattern = filter.text.map { "%" + $0.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%" }
        var binds = PostgresBindings()
        binds.append(filter.sentiment)
        binds.append(filter.minQuality)
        binds.append(filter.topic)
        binds.append(filter.category)
        binds.append(filter.since)
        binds.append(filter.until)
        binds.append(pattern)
        binds.append(filter.exported)
        let conditions = """
            ($1::text IS NULL OR sentiment_label = $1) AND ($2::float8 IS NULL OR quality_score >= $2)
            AND ($3::text IS NULL OR topics @> ARRAY[$3::text]) AND ($4::text IS NULL OR category = $4)
            AND ($5::timestamptz IS NULL OR memory_created_at >= $5) AND ($6::timestamptz IS NULL OR memory_created_at < $6)
            AND ($7::text IS NULL OR (\(textVector) @@ \(textWords) AND (title ILIKE $7 OR summary ILIKE $7)))
            AND ($8::bool IS NULL OR is_exported = $8)
            """
        return (conditions, binds)
    }

    /// The matching conversations as `FROM … WHERE …` on parameters $1…$8, for a ``BoundedCount``.
    static func matchingRows(_ filter: ConversationFilter) -> (rows: String, binds: PostgresBindings) {
        let (conditions, binds) = matching(filter)
        return ("FROM conversations WHERE \(conditions)", binds)
    }

    /// A page of matching conversations, newest memory first, as JSON. The page's rows are found
    /// first by the ordering columns alone (an index-only scan where an index covers the filter),
    /// so a deep page skips rows without reading them, and only its own rows are rendered.
    static func page(_ filter: ConversationFilter, paging: Paging) -> PostgresQuery {
        var (conditions, binds) = matching(filter)
        binds.append(paging.limit)
        binds.append(paging.offset)
        return PostgresQuery(unsafeSQL: """
            SELECT \(conversationJSON) FROM conversations WHERE id IN (
                SELECT id FROM conversations WHERE \(conditions)
                ORDER BY memory_created_at DESC NULLS LAST, id DESC LIMIT $9 OFFSET $10)
            ORDER BY memory_created_at DESC NULLS LAST, id DESC
            """, binds: binds)
    }

    /// The next `limit` matching conversations after row `afterID`, in id order, each as its row
    /// id and one line of the format: an export is a run of such short statements, so it never
    /// holds one snapshot (nor one connection) for as long as its reader takes.
    static func export(_ filter: ConversationFilter, csv: Bool, afterID: Int64, limit: Int) -> PostgresQuery {
        var (conditions, binds) = matching(filter)
        binds.append(afterID)
        binds.append(limit)
        return PostgresQuery(unsafeSQL: """
            SELECT id, \(csv ? conversationCSV : conversationJSON) FROM conversations WHERE \(conditions) AND id > $9
            ORDER BY id LIMIT $10
            """, binds: binds)
    }

    /// One conversation by Buddi id (or row id), as JSON.
    static func one(_ id: String) -> PostgresQuery {
        "SELECT \(unescaped: conversationJSON) FROM conversations WHERE buddi_id = \(id) OR id = \(Int64(id) ?? -1)"
    }

    /// Marks exported rows.
    static func markExported(_ ids: [Int64]) -> PostgresQuery {
        "UPDATE conversations SET is_exported = true, updated_at = now() WHERE id = ANY(\(ids)::bigint[]) AND NOT is_exported"
    }

    /// Jobs of the last 24 hours (by when they finished, or are due again) that recorded failed
    /// attempts, as a condition on `jobs`: read from the engine's index of jobs with errors.
    static let jobsWithErrorsLastDay = "errors <> '[]'::jsonb AND COALESCE(finished_at, run_at) > now() - interval '24 hours'"

    /// How many of those jobs (at most `limit`) and how many failed attempts they recorded.
    static func jobErrorsSample(limit: Int) -> PostgresQuery {
        PostgresQuery(unsafeSQL: """
            SELECT count(*), COALESCE(sum(attempts), 0)::int8
            FROM (SELECT jsonb_array_length(errors) AS attempts FROM jobs WHERE \(jobsWithErrorsLastDay) LIMIT \(limit)) AS sample
            """)
    }
}

extension ControlSQL {
    /// What the alert rules watch: scheduling enabled, the fetch interval, whether the scheduler
    /// and maintenance elections have a live leader, when the last successful fetch began, and
    /// fetches in progress. (No settings row yet reads as the defaults.)
    static let schedulerGauges: PostgresQuery = """
        SELECT COALESCE((SELECT enabled FROM scheduler_settings), true),
               COALESCE((SELECT fetch_interval_hours FROM scheduler_settings), 2)::int8,
               EXISTS (SELECT 1 FROM leader_leases WHERE name = \(Scheduler.electionName) AND expires_at > now()),
               EXISTS (SELECT 1 FROM leader_leases WHERE name = \(LeaderElector.maintenanceElection) AND expires_at > now()),
               COALESCE((SELECT extract(epoch FROM max(COALESCE(started_at, requested_at))) FROM fetch_runs
                         WHERE outcome = \(unescaped: FetchOutcome.succeeded.sql)), 0)::float8,
               (SELECT count(*) FROM fetch_runs WHERE outcome IN \(unescaped: FetchOutcome.unfinishedSQL))
        """

    /// Fetches by outcome, ever.
    static let fetchOutcomes: PostgresQuery = "SELECT outcome, count(*) FROM fetch_runs GROUP BY outcome ORDER BY outcome"

    /// Failed API calls by kind, summed over every fetch.
    static let apiErrorsByKind: PostgresQuery = """
        SELECT e.key, sum(e.value::bigint)::bigint FROM fetch_runs, jsonb_each_text(api_errors) AS e
        GROUP BY e.key ORDER BY e.key
        """

    /// Cumulative counts of finished fetches at or under each bound, then the count and the sum.
    static func fetchDurationHistogram(buckets: [Double]) -> PostgresQuery {
        let counts = buckets.map { "count(*) FILTER (WHERE duration_seconds <= \($0))" }.joined(separator: ", ")
        return PostgresQuery(unsafeSQL: """
            SELECT \(counts), count(*), COALESCE(sum(duration_seconds), 0)::float8
            FROM fetch_runs WHERE finished_at IS NOT NULL AND duration_seconds IS NOT NULL
            """)
    }
}

extension ControlSQL {
    /// Processed conversations by sentiment label.
    static let sentimentDistribution: PostgresQuery = """
        SELECT sentiment_label, count(*) FROM conversations WHERE sentiment_label IS NOT NULL
        GROUP BY sentiment_label ORDER BY count(*) DESC, sentiment_label
        """

    /// The most frequent topics.
    static func topTopics(limit: Int) -> PostgresQuery {
        """
        SELECT topic, count(*) FROM conversations, unnest(topics) AS topic
        GROUP BY topic ORDER BY count(*) DESC, topic LIMIT \(limit)
        """
    }
}
