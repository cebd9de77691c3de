import JobQueue
import PostgresNIO

/// ``ConversationSQL/insert(_:origin:owner:contractAddress:)`` as a named prepared statement (a
/// plan of four inserts and a trigger, made for every batch, cost the server more than a batch's
/// rows).
struct StoreConversations: EngineStatement {
    typealias Row = String

    static let sql = ConversationSQL.insert(MemoryRows([]), origin: .fetch(jobID: 0), owner: "", contractAddress: "").sql

    let query: PostgresQuery

    func decodeRow(_ row: PostgresRow) throws -> String {
        try row.decode(String.self)
    }
}
