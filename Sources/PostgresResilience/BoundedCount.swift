import Foundation
import Logging
import PostgresNIO

/// A row count whose cost is bounded whatever the table's size: exact up to `cap` rows (it reads
/// at most `cap + 1` of them), and above that the planner's estimate from the table's statistics,
/// marked as such (`exact` false), as Oban's dashboards do past their estimate limit. The plan
/// is looked at first: when even reading `cap + 1` matching rows would be costly (a rare match
/// that no index finds, say), the estimate is given without counting. So a listing or a status
/// over a million rows answers in milliseconds, its large numbers within a few percent once
/// autovacuum has analyzed the table.
public struct BoundedCount: Sendable, Equatable, Codable {
    /// The count, or its estimate.
    public var value: Int
    /// Whether `value` was counted (not estimated).
    public var exact: Bool

    /// The most rows counted exactly.
    public static let defaultCap = 1_000
    /// The planner's cost (its units: a sequential page read is 1) above which the capped count
    /// is not run: about 10 ms of a small server's time.
    public static let maxCountingCost = 2_500.0

    public init(value: Int, exact: Bool) {
        self.value = value
        self.exact = exact
    }

    /// Counts the rows of `rows` (`FROM … WHERE …` on parameters `binds`); with `cap` nil, all of
    /// them (exact, at whatever cost). Where an estimate is due but `table` has no statistics yet
    /// (never analyzed: its estimate would be a guess from its size on disk), they are counted.
    public static func count(
        _ rows: String, binds: PostgresBindings = PostgresBindings(), cap: Int? = defaultCap, table: String? = nil,
        client: DatabaseClient, logger: Logger
    ) async throws -> BoundedCount {
        guard let cap else { return BoundedCount(value: try await countAll(rows, binds: binds, client: client, logger: logger), exact: true) }
        let counted = try await capped(rows, binds: binds, cap: cap, client: client, logger: logger)
        if counted.exact { return counted }
        if let table, try await neverAnalyzed(table, client: client, logger: logger) {
            return BoundedCount(value: try await countAll(rows, binds: binds, client: client, logger: logger), exact: true)
        }
        return counted
    }

    private static func countAll(_ rows: String, binds: PostgresBindings, client: DatabaseClient, logger: Logger) async throws -> Int {
        var counted = 0
        for try await count in try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*) \(rows)", binds: binds), logger: logger)
            .decode(Int64.self) { counted = Int(count) }
        return counted
    }

    private static func neverAnalyzed(_ table: String, client: DatabaseClient, logger: Logger) async throws -> Bool {
        let query: PostgresQuery = "SELECT reltuples < 0 FROM pg_class WHERE oid = to_regclass(\(table))"
        for try await never in try await client.query(query, logger: logger).decode(Bool.self) { return never }
        return false
    }

    private static func capped(
        _ rows: String, binds: PostgresBindings, cap: Int, client: DatabaseClient, logger: Logger
    ) async throws -> BoundedCount {
        let capped = "SELECT count(*) FROM (SELECT 1 \(rows) LIMIT \(cap + 1)) AS capped"
        var plan = ""
        for try await text in try await client.query(
            PostgresQuery(unsafeSQL: "EXPLAIN (FORMAT JSON) " + capped, binds: binds), logger: logger
        ).decode(String.self) {
            plan += text
        }
        let (cost, estimate) = costAndRows(plan) ?? (.infinity, cap + 1)
        guard cost <= maxCountingCost else { return BoundedCount(value: estimate, exact: false) }
        var counted = 0
        for try await count in try await client.query(PostgresQuery(unsafeSQL: capped, binds: binds), logger: logger).decode(Int64.self) {
            counted = Int(count)
        }
        if counted <= cap { return BoundedCount(value: counted, exact: true) }
        return BoundedCount(value: max(cap + 1, estimate), exact: false)
    }

    /// From an EXPLAIN (FORMAT JSON) of a capped count: its total cost, and the rows the planner
    /// expects under the LIMIT (all that match).
    static func costAndRows(_ plan: String) -> (cost: Double, rows: Int)? {
        guard let entries = try? JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [[String: Any]],
              var node = entries.first?["Plan"] as? [String: Any], let cost = node["Total Cost"] as? Double
        else { return nil }
        while node["Node Type"] as? String != "Limit" {
            guard let child = (node["Plans"] as? [[String: Any]])?.first else { return nil }
            node = child
        }
        guard let matching = (node["Plans"] as? [[String: Any]])?.first?["Plan Rows"] as? Double else { return nil }
        return (cost, Int(matching.rounded()))
    }
}
