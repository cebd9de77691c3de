import JobQueue
import PostgresNIO

/// ``WebhookSQL/acknowledged(_:)`` as a named prepared statement: run by every webhook commit.
struct AcknowledgedDeliveries: EngineStatement {
    typealias Row = (String, String, Int16, String?, String?)

    static let sql = WebhookSQL.acknowledged([]).sql

    let query: PostgresQuery

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

/// ``WebhookSQL/record(_:)`` as a named prepared statement: run by every webhook commit.
struct RecordDeliveries: EngineStatement {
    /// It returns no row.
    typealias Row = Bool

    static let sql = WebhookSQL.record([]).sql

    let query: PostgresQuery

    func decodeRow(_ row: PostgresRow) throws -> Bool {
        try row.decode(Bool.self)
    }
}
