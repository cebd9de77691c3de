import BuddiAPI
import Foundation
import Logging
import PostgresNIO

/// The scheduled fetch's watermark: the newest memory a fetch has met, stored by it or already
/// stored (pushed by webhook, or met before). An incremental fetch walks the newest memories down
/// to it; each page's transaction moves it up.
enum FetchWatermark {
    /// The watermark, if a fetch has met any memory yet.
    static func read(on connection: PostgresConnection, logger: Logger) async throws -> (buddiID: String, createdAt: Date)? {
        let rows = try await connection.query("SELECT buddi_id, memory_created_at FROM fetch_watermark", logger: logger)
        for try await (buddiID, createdAt) in rows.decode((String, Date).self) { return (buddiID, createdAt) }
        return nil
    }

    /// Moves the watermark up to the newest of `memories`, if it is newer.
    static func advance(past memories: [Memory], on connection: PostgresConnection, logger: Logger) async throws {
        guard let newest = memories.filter({ $0.createdAt != nil }).max(by: { $0.createdAt! < $1.createdAt! }), let createdAt = newest.createdAt else {
            return
        }
        try await connection.query("""
            INSERT INTO fetch_watermark AS w (buddi_id, memory_created_at) VALUES (\(newest.id), \(createdAt))
            ON CONFLICT (singleton) DO UPDATE SET buddi_id = excluded.buddi_id, memory_created_at = excluded.memory_created_at
            WHERE excluded.memory_created_at > w.memory_created_at
            """, logger: logger)
    }
}
