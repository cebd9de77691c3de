import Logging
import ServiceLifecycle

/// Runs a maintenance duty every `interval` until graceful shutdown or cancellation; a failed
/// round is logged and the next one runs on time.
public struct PeriodicDuty: Sendable {
    let name: String
    let interval: Duration
    let logger: Logger
    let body: @Sendable () async throws -> Void

    /// A duty called `name` (for the log) running `body` every `interval`.
    public init(name: String, interval: Duration, logger: Logger, body: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.logger = logger
        self.body = body
    }

    /// Runs until graceful shutdown or cancellation.
    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await body()
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("\(name) failed; will try again", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
