import PostgresServer
import JobQueue
import PostgresNIO

/// An error as the CLI prints it: one line that says what was wrong.
package struct CLIError: Error, CustomStringConvertible {
    package let description: String

    /// An error saying `description`.
    package init(description: String) {
        self.description = description
    }

    /// The error in one line: our own errors say it themselves; the driver's are reduced to the
    /// server's message or the socket error.
    package static func oneLine(_ error: any Error) -> String {
        switch error {
        case let error as DatabaseError: error.description
        case let error as JobQueueError: error.description
        case let error as CLIError: error.description
        default: ErrorSummary.oneLine(error)
        }
    }
}
