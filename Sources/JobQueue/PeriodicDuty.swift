import Logging
import ServiceLifecycle
import PostgresResilience

/// Runs a maintenance duty every `interval` until graceful shutdown or cancellation; a failed
/// round is logged and the next one runs on time. A round that says it left work behind (a
/// backlog larger than one round may take) is followed by the next at once.
public struct PeriodicDuty: Sendable {
    let name: String
    let interval: Duration
    let logger: Logger
    /// One round; returns whether it left work to do.
    let body: @Sendable () async throws -> Bool

    /// How long one round may take before it is given up (a database call stuck on a connection
    /// the server closed would otherwise stop the duty for good).
    let deadline: Duration

    /// A duty called `name` (for the log) running `body` every `interval`, each round within
    /// `deadline`.
    public init(
        name: String, interval: Duration, deadline: Duration = .seconds(120), logger: Logger,
        body: @escaping @Sendable () async throws -> Void
    ) {
        self.init(name: name, interval: interval, deadline: deadline, logger: logger, rounds: { try await body(); return false })
    }

    /// A duty whose rounds return whether they left work to do; one that did is followed by the
    /// next round at once instead of after `interval`.
    public init(
        name: String, interval: Duration, deadline: Duration = .seconds(120), logger: Logger,
        rounds: @escaping @Sendable () async throws -> Bool
    ) {
        self.name = name
        self.interval = interval
        self.deadline = deadline
        self.logger = logger
        self.body = rounds
    }

    /// Runs until graceful shutdown or cancellation.
    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if try await withDatabaseDeadline(deadline, name, body) { continue }
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
