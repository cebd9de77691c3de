import PostgresNIO

// The engine's hot statements as prepared statements (see `StatementMode`): their text is
// `JobSQL`'s, built once with placeholder values.

/// Claims jobs of one queue (`JobSQL.claim`).
struct ClaimStatement: EngineStatement {
    static let sql = JobSQL.claim(queue: "", limit: 0, workerID: "", leaseSeconds: 0).sql
    typealias Row = (Int64, String, String, String, Int32, Int32, String?, Int32, Int32, Double?, String?, Double)
    let query: PostgresQuery

    func decodeRow(_ row: PostgresRow) throws -> Row {
        var columns = ColumnReader(row)
        return (
            try columns.next(), try columns.next(), try columns.next(), try columns.next(), try columns.next(),
            try columns.next(), try columns.next(), try columns.next(), try columns.next(), try columns.next(),
            try columns.next(), try columns.next())
    }
}

/// Records a batch of outcomes (`JobSQL.record`).
struct RecordStatement: EngineStatement {
    static let sql = JobSQL.record(
        workerID: "", ids: [], attempts: [], sequences: [], states: [], results: [], errors: [], delaysMs: []).sql
    typealias Row = (Int64, Bool)
    let query: PostgresQuery

    func decodeRow(_ row: PostgresRow) throws -> Row {
        var columns = ColumnReader(row)
        return (try columns.next(), try columns.next())
    }
}

/// Enqueues one job (`JobSQL.insertOne`).
struct InsertOneStatement: EngineStatement {
    static let sql = JobSQL.insertOne(NewJob(kind: ""), traceContext: nil).sql
    typealias Row = Int64
    let query: PostgresQuery

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// Extends a worker's leases (`JobSQL.extendLeases`).
struct ExtendLeasesStatement: EngineStatement {
    static let sql = JobSQL.extendLeases(ids: [], workerID: "", leaseSeconds: 0).sql
    typealias Row = (Int64, Bool)
    let query: PostgresQuery

    func decodeRow(_ row: PostgresRow) throws -> Row {
        var columns = ColumnReader(row)
        return (try columns.next(), try columns.next())
    }
}
