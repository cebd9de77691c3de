import PostgresNIO

/// ``ConversationSQL/insert(_:fetchJobID:owner:contractAddress:)`` as a named prepared statement:
/// each connection parses and plans it once (a plan of four inserts and a trigger, made for
/// every batch, cost the server more than a batch's rows), then only binds and runs it.
struct StoreConversations: PostgresPreparedStatement {
    typealias Row = Int64

    /// The text, built once with placeholder values: every value is a bind.
    static let sql = ConversationSQL.insert(MemoryRows([]), fetchJobID: 0, owner: "", contractAddress: "").sql

    /// The statement built for this call; its text is `sql`.
    let query: PostgresQuery

    func makeBindings() throws -> PostgresBindings {
        assert(query.sql == Self.sql, "the statement's text must not depend on the values bound")
        return query.binds
    }

    func decodeRow(_ row: PostgresRow) throws -> Int64 {
        try row.decode(Int64.self)
    }
}
