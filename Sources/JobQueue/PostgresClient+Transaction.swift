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
