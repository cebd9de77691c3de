import Logging
import PostgresNIO

extension PostgresClient {
    /// `withTransaction`, but what `body` throws comes out as itself rather than wrapped in a
    /// `PostgresTransactionError`, so callers can match their own error types.
    public func transaction<T>(
        logger: Logger, isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending T
    ) async throws -> sending T {
        do {
            return try await withTransaction(logger: logger, isolation: isolation, body)
        } catch let error as PostgresTransactionError {
            if let cause = error.closureError, error.rollbackError == nil { throw cause }
            throw error
        }
    }
}

extension PostgresConnection {
    /// Lets the current transaction commit without waiting for its WAL flush. Safe for a job's
    /// work: the job's outcome is recorded later by a commit that does wait, and WAL is flushed
    /// in order, so that commit cannot survive a crash without this one; if neither survives,
    /// the job runs again (handlers are idempotent, as at-least-once delivery requires).
    public func skipCommitFlush(logger: Logger) async throws {
        try await query("SELECT set_config('synchronous_commit', 'off', true)", logger: logger)
    }
}
