import PostgresNIO
import _ConnectionPoolModule

/// Tells an interruption by the database (its connection lost, the server shutting down,
/// restarting or unreachable, a call that outlived its deadline) from a failure of the work
/// itself. Work so interrupted is not failing: it resumes from its last checkpoint as soon as
/// the database is back, without a retry delay and without using up an attempt.
public enum DatabaseInterruption {
    /// SQLSTATEs of a server going away: connection exceptions (class 08), and admin shutdown,
    /// crash shutdown, cannot connect now (57P01–57P03).
    private static let serverStates: Set<String> = ["57P01", "57P02", "57P03"]

    /// Whether `error` is such an interruption.
    public static func isInterruption(_ error: any Error) -> Bool {
        switch error {
        case is PostgresConnectionGone, is DatabaseDeadlineExceeded, is any InterruptionError:
            return true
        case let error as ConnectionPoolError:
            return error == .connectionCreationCircuitBreakerTripped
        case let error as PostgresTransactionError:
            return [error.beginError, error.closureError, error.commitError, error.rollbackError]
                .contains { $0.map(isInterruption) ?? false }
        case let error as PSQLError:
            // The client's side closed it too: the pool closes a connection the server dropped (a
            // statement then sent on it gets clientClosedConnection), and a stopping client its pool.
            if [.serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed].contains(error.code) {
                return true
            }
            guard let state = error.serverInfo?[.sqlState] else { return false }
            return state.hasPrefix("08") || serverStates.contains(state)
        default:
            return false
        }
    }
}

/// An error of another layer that stands for an interruption by the database (the job queue's
/// lost checkpoint, say).
public protocol InterruptionError: Error {}
