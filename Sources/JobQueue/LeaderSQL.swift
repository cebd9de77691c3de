import PostgresNIO

/// The statements of leader election, over the `leader_leases` table.
enum LeaderSQL {
    /// Takes the lease when it is free or expired, or renews it when `holder` has it. Returns the
    /// term when `holder` leads afterwards; no row when someone else does. A takeover bumps the
    /// term, which fences the previous leader.
    static func campaign(name: String, holder: String, ttlSeconds: Double) -> PostgresQuery {
        """
        INSERT INTO leader_leases AS l (name, holder, term, elected_at, expires_at)
        VALUES (\(name), \(holder), 1, now(), now() + make_interval(secs => \(ttlSeconds)))
        ON CONFLICT (name) DO UPDATE SET
            holder = EXCLUDED.holder,
            term = CASE WHEN l.holder = EXCLUDED.holder THEN l.term ELSE l.term + 1 END,
            elected_at = CASE WHEN l.holder = EXCLUDED.holder THEN l.elected_at ELSE now() END,
            expires_at = EXCLUDED.expires_at
        WHERE l.holder = EXCLUDED.holder OR l.expires_at < now()
        RETURNING term
        """
    }

    /// Locks the lease row if `holder` still leads in `term`: the fence of a leader's write.
    /// Held until the caller's transaction ends, so no takeover can slip in before it commits.
    static func fence(name: String, holder: String, term: Int64) -> PostgresQuery {
        """
        SELECT term FROM leader_leases
        WHERE name = \(name) AND holder = \(holder) AND term = \(term) AND expires_at > now()
        FOR UPDATE
        """
    }

    /// Gives the lease up (clean shutdown) by expiring it, so another replica takes over at its
    /// next round, with the next term (the row stays, so terms keep counting up).
    static func resign(name: String, holder: String) -> PostgresQuery {
        "UPDATE leader_leases SET expires_at = '-infinity' WHERE name = \(name) AND holder = \(holder)"
    }

    /// Who leads: holder, term, election time, and whether the lease is still valid.
    static func current(name: String) -> PostgresQuery {
        "SELECT holder, term, elected_at, expires_at > now() FROM leader_leases WHERE name = \(name)"
    }
}
