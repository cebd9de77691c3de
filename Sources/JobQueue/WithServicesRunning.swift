import Logging
import ServiceLifecycle

/// Runs `services` (workers, maintenance) for as long as `body` runs, then shuts them down
/// gracefully, which for a worker means recording every outcome; returns what `body` returns.
/// For embedding workers in a process that is not a ServiceGroup of its own: benchmarks, tests.
public func withServicesRunning<Result: Sendable>(
    _ services: [any Service], logger: Logger, _ body: @Sendable () async throws -> Result
) async throws -> Result {
    let group = ServiceGroup(services: services, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: Result
        do {
            result = try await body()
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return result
    }
}
