import Logging
import PostgresNIO
import PostgresResilience

/// Holds a connection LISTENing on the queue's channel and hands each notification on. When the
/// connection drops it reconnects with backoff and reports `onConnected` again, so the caller can
/// poll once for what was missed while it was away.
struct QueueListener: Sendable {
    let client: PostgresClient
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
                    try await connection.listen(on: JobQueue.notificationChannel) { notifications in
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
}
