import PostgresResilience
import Foundation
import Logging
import PostgresNIO

/// The memories a fetch could not store (`rejected_memories`), most recently met first: what
/// `buddi rejected` and `GET /api/rejected-memories` list (snake_case JSON keys).
package struct RejectedMemoryPage: Codable, Sendable {
    /// One rejected memory.
    package struct Item: Codable, Sendable {
        package var id: Int64
        /// Its Buddi id, when it had a usable one.
        package var buddiID: String?
        package var reason: String
        /// The start of its JSON as sent (at most 512 bytes).
        package var excerpt: String
        /// The fetch that last met it, and where in that fetch (nil when a webhook delivery did).
        package var fetchJobID: Int64?
        /// The webhook delivery that last brought it, when no fetch did.
        package var webhookID: String?
        package var pageCursor: String?
        package var position: Int
        package var firstSeenAt: Date
        package var lastSeenAt: Date
        /// How many fetches met it.
        package var timesSeen: Int

        enum CodingKeys: String, CodingKey {
            case id, reason, excerpt, position
            case buddiID = "buddi_id"
            case fetchJobID = "fetch_job_id"
            case webhookID = "webhook_id"
            case pageCursor = "page_cursor"
            case firstSeenAt = "first_seen_at"
            case lastSeenAt = "last_seen_at"
            case timesSeen = "times_seen"
        }
    }

    /// Rows in the table.
    package var total: Int
    package var items: [Item]
    package var limit: Int
    package var offset: Int

    /// Reads a page.
    package static func read(paging: Paging, client: DatabaseClient, logger: Logger) async throws -> RejectedMemoryPage {
        var items: [Item] = []
        let rows = try await client.query("""
            SELECT id, buddi_id, reason, excerpt, fetch_job_id, webhook_id, page_cursor, position, first_seen_at, last_seen_at, times_seen
            FROM rejected_memories ORDER BY last_seen_at DESC, id DESC LIMIT \(paging.limit) OFFSET \(paging.offset)
            """, logger: logger)
        for try await (id, buddiID, reason, excerpt, job, webhookID, cursor, position, first, last, times) in rows.decode(
            (Int64, String?, String, String, Int64?, String?, String?, Int32, Date, Date, Int32).self)
        {
            items.append(Item(
                id: id, buddiID: buddiID, reason: reason, excerpt: excerpt, fetchJobID: job, webhookID: webhookID, pageCursor: cursor,
                position: Int(position), firstSeenAt: first, lastSeenAt: last, timesSeen: Int(times)))
        }
        var total = 0
        for try await count in try await client.query("SELECT count(*) FROM rejected_memories", logger: logger).decode(Int64.self) {
            total = Int(count)
        }
        return RejectedMemoryPage(total: total, items: items, limit: paging.limit, offset: paging.offset)
    }
}
