import Logging
import PostgresNIO
import ServiceLifecycle

extension DatabaseClient {
    /// Starts `run()` in a task of its own and returns once that task is about to enter it (its
    /// first act marks the client running), instead of waiting a guessed while: what leases a
    /// connection next is, in practice, not warned that the client does not run yet. Cancel the
    /// task to stop the client: nothing else stops it.
    public func runInBackground() async -> Task<Void, Never> {
        let (begun, began) = AsyncStream.makeStream(of: Void.self)
        // Detached: it must not inherit the caller's graceful shutdown, or the client would stop
        // at the same signal as the services that still need it to finish.
        let task = Task.detached { await self.run(began: began) }
        for await _ in begun {}
        return task
    }
}

/// Runs `client` (when given) and `services` beside it for as long as `body` runs, then shuts
/// them down gracefully in reverse order — a worker records every outcome before the client
/// stops — and returns what `body` returns. `body` starts once the client's run has begun. For a process, a
/// command, a benchmark or a test that is not a ServiceGroup of its own.
public func withServicesRunning<Result: Sendable>(
    _ services: [any Service] = [], client: DatabaseClient? = nil, logger: Logger,
    _ body: @Sendable () async throws -> Result
) async throws -> Result {
    let (begun, began) = AsyncStream.makeStream(of: Void.self)
    let running: [any Service] = client.map { [RunningClient(client: $0, began: began)] } ?? []
    if client == nil { began.finish() }
    // A service that has done its part (announced something, say) returns; the others go on.
    let group = ServiceGroup(configuration: .init(
        services: (running + services).map { .init(service: $0, successTerminationBehavior: .ignore) }, logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        for await _ in begun {}
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

/// A client as a service that says when its `run()` has begun.
private struct RunningClient: Service {
    let client: DatabaseClient
    let began: AsyncStream<Void>.Continuation

    func run() async {
        await client.run(began: began)
    }
}
