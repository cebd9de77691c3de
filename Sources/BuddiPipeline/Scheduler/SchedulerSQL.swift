import PostgresNIO

/// Every statement on `scheduler_settings`, in one place.
enum SchedulerSQL {
    /// The columns the settings are read with.
    static let columns = """
        enabled, fetch_interval_hours, max_conversations_per_fetch, min_fetch_spacing_seconds,
        error_recovery_seconds, updated_at
        """

    /// Creates the settings row with these defaults if there is none yet; returns the row.
    static func ensure(_ defaults: SchedulerDefaults) -> PostgresQuery {
        """
        WITH created AS (
            INSERT INTO scheduler_settings (fetch_interval_hours, max_conversations_per_fetch)
            VALUES (\(defaults.fetchIntervalHours), \(defaults.maxConversationsPerFetch))
            ON CONFLICT (singleton) DO NOTHING
            RETURNING \(unescaped: columns)
        )
        SELECT \(unescaped: columns) FROM created
        UNION ALL
        SELECT \(unescaped: columns) FROM scheduler_settings
        LIMIT 1
        """
    }

    /// Changes what is given (nil keeps the value); returns the row.
    static func update(enabled: Bool?, fetchIntervalHours: Int?, maxConversationsPerFetch: Int?) -> PostgresQuery {
        """
        UPDATE scheduler_settings SET
            enabled = COALESCE(\(enabled), enabled),
            fetch_interval_hours = COALESCE(\(fetchIntervalHours), fetch_interval_hours),
            max_conversations_per_fetch = COALESCE(\(maxConversationsPerFetch), max_conversations_per_fetch),
            updated_at = now()
        RETURNING \(unescaped: columns)
        """
    }

    /// Serialises fetch requests (manual and scheduled) for the rest of the transaction, so two
    /// of them never both see "nothing in progress".
    static let lockFetchRequests: PostgresQuery = "SELECT pg_advisory_xact_lock(hashtext('buddi.fetch-requests'))"
}
