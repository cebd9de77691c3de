import PostgresResilience
import Logging
import PostgresNIO
import ServiceLifecycle

/// Checks the schema, then runs a process's services side by side; ends when they all have.
struct WorkerProcess: Service {
    /// Runs the client and this process until SIGTERM or SIGINT, then shuts both down gracefully.
    func runUntilSignalled() async throws {
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: self)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    let database: DatabaseOptions
    let client: PostgresClient
    let services: [any Service]
    let logger: Logger

    func run() async throws {
        // The client outlives the services: it stops once they all have.
        let running = await client.runInBackground()
        defer { running.cancel() }
        try await database.prepareSchema(client: client, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in services {
                group.addTask { try await service.run() }
            }
            try await group.waitForAll()
        }
    }
}
