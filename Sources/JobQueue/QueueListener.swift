import Logging
import PostgresNIO
import PostgresResilience

/// Holds a connection LISTENing on the queue's channel and hands each notification on. When the
/// connection drops it reconnects with backoff and reports `onConnected` again, so the caller can
/// poll once for what was missed while it was away. A connection that stops answering (its
/// peer gone without a word, as when a host is cut off) is found by a `SELECT 1` every 15 s and
/// replaced, rather than listened on for ever.
struct QueueListener: Sendable {
    /// How often the listening connection is asked to show it is alive, and how long it has to answer.
    static let probeInterval: Duration = .seconds(15)
    static let probeDeadline: Duration = .seconds(5)

    let client: DatabaseClient
    let logger: Logger
    let onConnected: @Sendable () -> Void
    let onNotification: @Sendable (_ payload: String) -> Void

    /// Listens until the task is cancelled.
    func run() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    // A connection the server has closed would take the LISTEN and never answer.
                    try connection.requireOpen()
                    let probe = Task { await Self.probe(connection, logger: logger) }
                    defer { probe.cancel() }
                    try await connection.listen(on: QueueNotification.channel) { notifications in
                        failures = 0
                        onConnected()
                        for try await notification in notifications {
                            onNotification(notification.payload)
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("queue listener lost its connection; reconnecting, polling meanwhile", metadata: ["error": "\(ErrorSummary.oneLine(error))"])
                try? await Task.sleep(for: .milliseconds(min(2000, 100 << min(failures, 6))))
            }
        }
    }

    /// Asks `connection` for a `SELECT 1` every ``probeInterval`` until cancelled; closes it
    /// (ending the listen, which then reconnects) the first time it does not answer in time.
    private static func probe(_ connection: PostgresConnection, logger: Logger) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: probeInterval)
            if Task.isCancelled { return }
            do {
                try await withDatabaseDeadline(probeDeadline, "probing the queue listener's connection") {
                    _ = try await connection.query("SELECT 1", logger: logger)
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("the queue listener's connection does not answer; replacing it", metadata: ["error": "\(ErrorSummary.oneLine(error))"])
                try? await connection.close()
                return
            }
        }
    }
}
