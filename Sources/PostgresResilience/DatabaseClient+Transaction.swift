import Logging
import PostgresNIO

// PostgresNIO 1.33 writes a statement to its connection's channel without a write promise: when
// the server has closed the connection by then (a crash, a restart), the statement's own
// promise is never completed, and whoever awaits it waits forever, deaf to cancellation. A
// query in flight when the connection drops fails promptly; one sent after it has dropped (the
// next statement of a transaction, its ROLLBACK, a connection the pool hands out just after the
// server went away) hangs. What is here never waits on a connection that has closed.

extension DatabaseClient {
    /// A transaction on a pooled connection: ``PostgresNIO/PostgresConnection/transaction(logger:_:)``.
    public func transaction<T: Sendable>(
        logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withOpenConnection { connection in
            try await connection.transactionOnOpenConnection(logger: logger, body)
        }
    }

    /// `withConnection`, but `body` is given up, and ``PostgresConnectionGone`` thrown, as soon as
    /// the server closes the connection (a statement sent after that would never be answered).
    public func withOpenConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            try await connection.whileOpen(body)
        }
    }

    /// Runs one statement on an open connection, for its effect, to its end: a statement that
    /// returns rows has not finished (and may yet fail) when its first row comes.
    public func execute(_ query: PostgresQuery, logger: Logger) async throws {
        try await withOpenConnection { connection in
            for try await _ in try await connection.query(query, logger: logger) {}
        }
    }
}

extension PostgresConnection {
    /// `BEGIN`, `body`, `COMMIT` (or `ROLLBACK` when `body` throws), with what `body` throws
    /// coming out as itself rather than wrapped in a `PostgresTransactionError`; given up with
    /// ``PostgresConnectionGone`` as soon as the server closes the connection.
    public func transaction<T: Sendable>(
        logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await whileOpen { connection in
            try await connection.transactionOnOpenConnection(logger: logger, body)
        }
    }

    fileprivate func transactionOnOpenConnection<T: Sendable>(
        logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await query("BEGIN", logger: logger)
        let value: T
        do {
            value = try await body(self)
        } catch {
            if !isClosed { _ = try? await query("ROLLBACK", logger: logger) }
            throw error
        }
        try requireOpen()
        try await query("COMMIT", logger: logger)
        return value
    }

    /// Runs `body`, but gives it up, throwing ``PostgresConnectionGone``, as soon as the server
    /// has closed this connection (looked at every 50 ms). A cancellation is passed on to `body`
    /// but not waited out: the connection is never handed back while `body` may still use it.
    public func whileOpen<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try requireOpen()
        return try await withAbandoningWatch(abandonOnCancel: false, { try await body(self) }) {
            while !Task.isCancelled {
                if self.isClosed { return PostgresConnectionGone() }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return nil
        }
    }

    /// Throws ``PostgresConnectionGone`` if the server has closed this connection.
    public func requireOpen() throws {
        if isClosed { throw PostgresConnectionGone() }
    }

    /// Lets the current transaction commit without waiting for its WAL flush. Safe for a job's
    /// work when the job fences its outcome on its checkpoints (see `JobContext.markProgress`):
    /// a transaction a crash loses is then noticed, and the job resumes from what survived.
    public func skipCommitFlush(logger: Logger) async throws {
        try await query("SELECT set_config('synchronous_commit', 'off', true)", logger: logger)
    }
}

/// The server closed the connection: a statement sent on it would never be answered.
public struct PostgresConnectionGone: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "database: the server closed the connection" }
}
