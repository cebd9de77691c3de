import Foundation
import PostgresNIO

extension TestDatabase {
    /// The plan PostgreSQL chooses for `query` with its own parameters bound, as EXPLAIN's text.
    /// With `analyze`, the statement runs (in a transaction rolled back afterwards) and the plan
    /// carries what each node actually did, buffers included. `settings` (`enable_seqscan = off`,
    /// say) hold for that transaction only. With `generic`, the plan is the generic one a prepared statement
    /// may settle on, made without looking at the values bound.
    package func plan(of query: PostgresQuery, analyze: Bool = false, generic: Bool = false, settings: [String] = []) async throws -> String {
        let verb = analyze ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN "
        let name = "plan_under_test_\(UInt32.random(in: 0...UInt32.max))"
        return try await client.withConnection { connection in
            // EXECUTE takes no bound parameters: the server renders the values as literals.
            let explain = generic
                ? PostgresQuery(unsafeSQL: verb + "EXECUTE \(name)" + (query.binds.count == 0 ? "" : "(\(try await literals(of: query, on: connection)))"))
                : PostgresQuery(unsafeSQL: verb + query.sql, binds: query.binds)
            try await connection.query("BEGIN", logger: logger)
            var plan = ""
            do {
                for setting in settings { try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL " + setting), logger: logger) }
                if generic {
                    try await connection.query("SET LOCAL plan_cache_mode = force_generic_plan", logger: logger)
                    try await connection.query(PostgresQuery(unsafeSQL: "PREPARE \(name) AS " + query.sql), logger: logger)
                }
                for try await line in try await connection.query(explain, logger: logger).decode(String.self) {
                    plan += line + "\n"
                }
            } catch {
                // The connection goes back to the pool: out of the failed transaction, and
                // without the statement (a prepared statement outlives the transaction).
                _ = try? await connection.query("ROLLBACK", logger: logger)
                _ = try? await connection.query(PostgresQuery(unsafeSQL: "DEALLOCATE \(name)"), logger: logger)
                throw PlanError(description: "cannot plan the statement: \(String(reflecting: error))")
            }
            try await connection.query("ROLLBACK", logger: logger)
            if generic { try await connection.query(PostgresQuery(unsafeSQL: "DEALLOCATE \(name)"), logger: logger) }
            return plan
        }
    }

    /// `query`'s bound values as SQL literals, comma-separated, as the server renders them.
    private func literals(of query: PostgresQuery, on connection: PostgresConnection) async throws -> String {
        let formats = Array(repeating: "%L", count: query.binds.count).joined(separator: ", ")
        let placeholders = (0..<query.binds.count).map { "$\($0 + 1)" }.joined(separator: ", ")
        let render = PostgresQuery(unsafeSQL: "SELECT format('\(formats)', \(placeholders))", binds: query.binds)
        for try await text in try await connection.query(render, logger: logger).decode(String.self) { return text }
        return ""
    }
}

/// The largest "Rows Removed by Join Filter" of an analyzed plan: how many row pairs a join
/// looked at in vain (a nested loop rescanning its inner side for every outer row shows here).
package func rowsRemovedByJoinFilter(_ plan: String) -> Int {
    plan.split(separator: "\n").compactMap { line -> Int? in
        guard let range = line.range(of: "Rows Removed by Join Filter: ") else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }.max() ?? 0
}

/// The most shared buffers (hit or read) any node of an analyzed plan touched: a lookup that
/// walks the whole batch for each of its rows shows here even when no row is filtered out.
package func buffersTouched(_ plan: String) -> Int {
    plan.split(separator: "\n").compactMap { line -> Int? in
        guard line.contains("Buffers: shared") else { return nil }
        return ["hit=", "read="].reduce(0) { total, key in
            guard let range = line.range(of: key) else { return total }
            return total + (Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0)
        }
    }.max() ?? 0
}

/// A statement that could not be planned as asked.
struct PlanError: Error, CustomStringConvertible {
    let description: String
}

/// How many times an analyzed plan's index scan with an `= ANY(array)` condition ran, at most: a
/// nested loop that rescans by a whole batch's array for each of its rows walks (and sorts) that
/// array every time, quadratic in the batch although no row is filtered out.
package func arrayIndexScanLoops(_ plan: String) -> Int {
    var loops = 0
    var worst = 0
    for line in plan.split(separator: "\n") {
        if let range = line.range(of: "loops=") {
            loops = Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0
        } else if line.contains("Index Cond:"), line.contains("ANY") {
            worst = max(worst, loops)
        }
    }
    return worst
}

/// The statement a PL/pgSQL function of the schema runs: what follows its `RETURN QUERY`, with
/// its arguments as parameters (`$1`… cast to their declared types), bound as in `call` (a
/// statement calling the function with its arguments in order).
package struct FunctionStatement: Sendable {
    /// The statement, with `call`'s binds.
    package let query: PostgresQuery
    /// The settings the function runs its statements with (`SET` clauses), for `plan(of:settings:)`.
    package let settings: [String]
}

extension TestDatabase {
    /// The statement `function` runs, bound as `call` binds the function's arguments.
    package func statement(of function: String, boundAs call: PostgresQuery) async throws -> FunctionStatement {
        let rows = try await client.query("""
            SELECT prosrc, proargnames, ARRAY(SELECT format_type(t, NULL) FROM unnest(proargtypes) AS t), proconfig
            FROM pg_proc WHERE proname = \(function)
            """, logger: logger).decode((String, [String], [String], [String]?).self)
        for try await (source, names, types, config) in rows {
            guard let start = source.range(of: "RETURN QUERY")?.upperBound,
                  let end = source.range(of: ";\nEND", range: start..<source.endIndex)?.lowerBound
            else { throw PlanError(description: "\(function) has no RETURN QUERY statement") }
            var sql = String(source[start..<end])
            // Longest names first, so that no name is replaced inside a longer one.
            for (index, name) in names.prefix(types.count).enumerated().sorted(by: { $0.element.count > $1.element.count }) {
                sql = sql.replacingOccurrences(
                    of: "\\b\(name)\\b", with: NSRegularExpression.escapedTemplate(for: "$\(index + 1)::\(types[index])"),
                    options: .regularExpression)
            }
            return FunctionStatement(query: PostgresQuery(unsafeSQL: sql, binds: call.binds), settings: config ?? [])
        }
        throw PlanError(description: "no function \(function)")
    }
}
