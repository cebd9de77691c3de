import Foundation
import Logging
import PostgresNIO

/// The memories a fetch could not store (`rejected_memories`), most recently met first: what
/// `buddi rejected` and `GET /api/rejected-memories` list (snake_case JSON keys).
public struct RejectedMemoryPage: Codable, Sendable {
    /// One rejected memory.
    public struct Item: Codable, Sendable {
        public var id: Int64
        /// Its Buddi id, when it had a usable one.
        public var buddiID: String?
        public var reason: String
        /// The start of its JSON as sent (at most 512 bytes).
        public var excerpt: String
        /// The fetch that last met it, and where in that fetch.
        public var fetchJobID: Int64
        public var pageCursor: String?
        public var position: Int
        public var firstSeenAt: Date
        public var lastSeenAt: Date
        /// How many fetches met it.
        public var timesSeen: Int

        enum CodingKeys: String, CodingKey {
            case id, reason, excerpt, position
            case buddiID = "buddi_id"
            case fetchJobID = "fetch_job_id"
            case pageCursor = "page_cursor"
            case firstSeenAt = "first_seen_at"
            case lastSeenAt = "last_seen_at"
            case timesSeen = "times_seen"
        }
    }

    /// Rows in the table.
    public var total: Int
    public var items: [Item]
    public var limit: Int
    public var offset: Int

    /// Reads a page.
    public static func read(paging: Paging, client: PostgresClient, logger: Logger) async throws -> RejectedMemoryPage {
        var items: [Item] = []
        let rows = try await client.query("""
            SELECT id, buddi_id, reason, excerpt, fetch_job_id, page_cursor, position, first_seen_at, last_seen_at, times_seen
            FROM rejected_memories ORDER BY last_seen_at DESC, id DESC LIMIT \(paging.limit) OFFSET \(paging.offset)
            """, logger: logger)
        for try await (id, buddiID, reason, excerpt, job, cursor, position, first, last, times) in rows.decode(
            (Int64, String?, String, String, Int64, String?, Int32, Date, Date, Int32).self)
        {
            items.append(Item(
                id: id, buddiID: buddiID, reason: reason, excerpt: excerpt, fetchJobID: job, pageCursor: cursor,
                position: Int(position), firstSeenAt: first, lastSeenAt: last, timesSeen: Int(times)))
        }
        var total = 0
        for try await count in try await client.query("SELECT count(*) FROM rejected_memories", logger: logger).decode(Int64.self) {
            total = Int(count)
        }
        return RejectedMemoryPage(total: total, items: items, limit: paging.limit, offset: paging.offset)
    }
}
