import PostgresNIO

extension TestDatabase {
    /// The plan PostgreSQL chooses for `query` with its own parameters bound, as EXPLAIN's text.
    /// With `analyze`, the statement runs (in a transaction rolled back afterwards) and the plan
    /// carries what each node actually did. `settings` (`enable_seqscan = off`, say) hold for
    /// that transaction only.
    public func plan(of query: PostgresQuery, analyze: Bool = false, settings: [String] = []) async throws -> String {
        let explain = PostgresQuery(unsafeSQL: (analyze ? "EXPLAIN ANALYZE " : "EXPLAIN ") + query.sql, binds: query.binds)
        return try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            for setting in settings { try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL " + setting), logger: logger) }
            var plan = ""
            for try await line in try await connection.query(explain, logger: logger).decode(String.self) {
                plan += line + "\n"
            }
            try await connection.query("ROLLBACK", logger: logger)
            return plan
        }
    }
}

/// The largest "Rows Removed by Join Filter" of an analyzed plan: how many row pairs a join
/// looked at in vain (a nested loop rescanning its inner side for every outer row shows here).
public func rowsRemovedByJoinFilter(_ plan: String) -> Int {
    plan.split(separator: "\n").compactMap { line -> Int? in
        guard let range = line.range(of: "Rows Removed by Join Filter: ") else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }.max() ?? 0
}
