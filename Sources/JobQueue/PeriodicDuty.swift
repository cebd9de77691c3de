import Logging
import ServiceLifecycle
import PostgresResilience

/// Runs a maintenance duty every `interval` until graceful shutdown or cancellation; a failed
/// round is logged and the next one runs on time.
public struct PeriodicDuty: Sendable {
    let name: String
    let interval: Duration
    let logger: Logger
    let body: @Sendable () async throws -> Void

    /// How long one round may take before it is given up (a database call stuck on a connection
    /// the server closed would otherwise stop the duty for good).
    let deadline: Duration

    /// A duty called `name` (for the log) running `body` every `interval`, each round within
    /// `deadline`.
    public init(
        name: String, interval: Duration, deadline: Duration = .seconds(120), logger: Logger,
        body: @escaping @Sendable () async throws -> Void
    ) {
        self.name = name
        self.interval = interval
        self.deadline = deadline
        self.logger = logger
        self.body = body
    }

    /// Runs until graceful shutdown or cancellation.
    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await withDatabaseDeadline(deadline, name, body)
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("\(name) failed; will try again", metadata: ["error": "\(ErrorSummary.oneLine(error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
