import PostgresResilience
import Logging
import PostgresNIO

/// How the engine sends its hot statements (claim, outcomes, enqueue of one job, lease extension).
///
/// Prepared, each connection parses a statement once and then only binds and runs it, with the
/// generic plan PostgreSQL settles on after five custom ones (planning the enqueue of one job on
/// every call, on the pick-up path, cost more than running it). Unnamed is what a connection pooler in
/// transaction-pooling mode needs (PgBouncer before 1.21 does not track prepared statements
/// across its server connections). The claim's and the outcomes' own statements run inside
/// engine functions whose plans are kept per session either way.
public enum StatementMode: Sendable {
    /// Named prepared statements, prepared once per connection (the default).
    case prepared
    /// Unnamed statements, parsed and planned on every call (for transaction pooling).
    case unnamed
}

/// A statement as a named prepared statement: one of the engine's, or of a sibling module's. Its
/// SQL text is the one its builder (`JobSQL`…) makes, which depends on no value (every value is a
/// bind), built once with placeholder values; each call binds the values of the query built for it.
package protocol EngineStatement: PostgresPreparedStatement {
    /// The statement built for this call; its text is `Self.sql`.
    var query: PostgresQuery { get }
}

extension EngineStatement {
    package func makeBindings() throws -> PostgresBindings {
        assert(query.sql == Self.sql, "\(Self.name): the SQL text must not depend on the values bound")
        return query.binds
    }

    /// Runs the statement on a connection of the client's pool, as `mode` says; returns its rows.
    func rows(on client: DatabaseClient, _ mode: StatementMode, logger: Logger) async throws -> [Row] {
        try await client.withConnection { try await rows(on: $0, mode, logger: logger) }
    }

    /// Runs the statement on `connection`, as `mode` says; returns its rows.
    func rows(on connection: PostgresConnection, _ mode: StatementMode, logger: Logger) async throws -> [Row] {
        var rows: [Row] = []
        switch mode {
        case .prepared:
            for try await row in try await connection.execute(self, logger: logger) { rows.append(row) }
        case .unnamed:
            for try await row in try await connection.query(query, logger: logger) { rows.append(try decodeRow(row)) }
        }
        return rows
    }
}

/// Reads a row's columns one by one, in order. A statement's `decodeRow` reads its row with it
/// rather than as one tuple: PostgresNIO decodes a tuple through a parameter pack, whose generic
/// metadata is looked up at run time on every row, a share of a claimed job's cost in the worker.
struct ColumnReader {
    private var cells: PostgresRow.Iterator

    init(_ row: PostgresRow) {
        cells = row.makeIterator()
    }

    /// The next column, decoded as the type the caller wants.
    mutating func next<Value: PostgresDecodable>() throws -> Value {
        guard let cell = cells.next() else { throw MissingColumn() }
        return try cell.decode(Value.self)
    }

    /// A row with fewer columns than its statement's row type: the schema is not the engine's.
    struct MissingColumn: Error, CustomStringConvertible {
        var description: String { "a row has fewer columns than the engine's statement returns: is the schema current?" }
    }
}
