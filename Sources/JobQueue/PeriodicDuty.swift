import Logging
import ServiceLifecycle

/// Runs a maintenance duty every `interval` until graceful shutdown or cancellation; a failed
/// round is logged and the next one runs on time.
struct PeriodicDuty: Sendable {
    let name: String
    let interval: Duration
    let logger: Logger
    let body: @Sendable () async throws -> Void

    func run() async {
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
