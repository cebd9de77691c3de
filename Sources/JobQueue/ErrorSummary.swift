import PostgresNIO
import PostgresResilience

/// An error in one line, for a job's error history and logs: a database error is reduced to the
/// server's message and SQLSTATE (the driver's own description is a page long), a transaction
/// error to what failed inside it.
public enum ErrorSummary {
    /// `error` in one line; a full disk is named as such.
    public static func oneLine(_ error: any Error) -> String {
        switch error {
        case let error as PostgresTransactionError:
            let cause = error.closureError ?? error.commitError ?? error.beginError
            return cause.map(oneLine) ?? "transaction failed"
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState] ?? "?"
                let named = state == DiskCondition.diskFullState ? "the disk is full: " : ""
                return "database: \(named)\(message) (SQLSTATE \(state))"
            }
            return "database: \(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        default:
            return String(describing: error).split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "\(error)"
        }
    }
}
