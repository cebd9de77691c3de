import PostgresNIO

/// ``ConversationSQL/insert(_:origin:owner:contractAddress:)`` as a named prepared statement:
/// each connection parses and plans it once (a plan of four inserts and a trigger, made for
/// every batch, cost the server more than a batch's rows), then only binds and runs it.
struct StoreConversations: PostgresPreparedStatement {
    typealias Row = String

    /// The text, built once with placeholder values: every value is a bind.
    static let sql = ConversationSQL.insert(MemoryRows([]), origin: .fetch(jobID: 0), owner: "", contractAddress: "").sql

    /// The statement built for this call; its text is `sql`.
    let query: PostgresQuery

    func makeBindings() throws -> PostgresBindings {
        assert(query.sql == Self.sql, "the statement's text must not depend on the values bound")
        return query.binds
    }

    func decodeRow(_ row: PostgresRow) throws -> String {
        try row.decode(String.self)
    }
}
