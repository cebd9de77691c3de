import Foundation
import Logging
import PostgresNIO
import PostgresResilience

/// Tells the demo's watcher of each memory stored from a webhook delivery, as it is stored.
struct WebhookArrivals {
    let client: DatabaseClient
    let logger: Logger

    /// Says a line for each conversation stored by webhook from now on, until `count` were told
    /// or `limit` has passed.
    func tell(atLeast count: Int, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        var after = try await newestID()
        var told = 0
        while told < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            let rows = try await client.query("""
                SELECT id, buddi_id, COALESCE(title, ''), COALESCE(sentiment_label, ''), anchor_id, round(extract(epoch FROM now() - fetched_at) * 1000)::int8
                FROM conversations WHERE source = 'webhook' AND id > \(after) ORDER BY id
                """, logger: logger)
            for try await (id, buddiID, title, sentiment, anchorID, ageMs) in rows.decode((Int64, String, String, String, Int64?, Int64).self) {
                after = id
                told += 1
                say("webhook: \(buddiID) \"\(title)\" stored \(ageMs) ms ago, \(sentiment), anchor \(anchorID.map(String.init) ?? "—")")
            }
        }
    }

    private func newestID() async throws -> Int64 {
        for try await id in try await client.query("SELECT COALESCE(max(id), 0) FROM conversations", logger: logger).decode(Int64.self) {
            return id
        }
        return 0
    }
}
