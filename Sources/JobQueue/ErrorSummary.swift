import PostgresNIO

/// An error in one line, for a job's error history and logs: a database error is reduced to the
/// server's message and SQLSTATE (the driver's own description is a page long), a transaction
/// error to what failed inside it.
public enum ErrorSummary {
    public static func oneLine(_ error: any Error) -> String {
        switch error {
        case let error as PostgresTransactionError:
            let cause = error.closureError ?? error.commitError ?? error.beginError
            return cause.map(oneLine) ?? "transaction failed"
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] {
                return "database: \(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))"
            }
            return "database: \(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        default:
            return String(describing: error).split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "\(error)"
        }
    }
}
