import BuddiPipeline
import Logging
import PostgresNIO
import PostgresResilience
import ServiceLifecycle

/// What a process does about the schema before it runs.
package enum SchemaPolicy: Sendable {
    /// Applies what is pending (the embedded cluster, or `--migrate`).
    case migrate
    /// Refuses to run unless the schema is current.
    case check

    /// Migrates or checks the schema through `client`.
    package func prepare(client: DatabaseClient, logger: Logger) async throws {
        let migrator = try BuddiSchema.migrator(client: client, logger: logger)
        switch self {
        case .migrate: try await migrator.migrate()
        case .check: try await migrator.checkCurrent()
        }
    }
}

/// A buddi process: runs its client, prepares the schema, then runs the process's services side
/// by side; ends when they all have, and stops the client last.
package struct ProcessRunner: Service {
    let client: DatabaseClient
    let schema: SchemaPolicy
    let services: [any Service]
    let logger: Logger

    /// A process running `services` over `client`, after `schema`.
    package init(client: DatabaseClient, schema: SchemaPolicy, services: [any Service], logger: Logger) {
        self.client = client
        self.schema = schema
        self.services = services
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully; traced as `serviceName` when
    /// the `OTEL_*` variables turn tracing on (``BuddiTracing``).
    package func runUntilSignalled(tracedAs serviceName: String) async throws {
        try await BuddiTracing.run(serviceName: serviceName, logger: logger) {
            let group = ServiceGroup(configuration: .init(
                services: [.init(service: self)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }

    package func run() async throws {
        // The client outlives the services: it stops once they all have.
        let running = await client.runInBackground()
        defer { running.cancel() }
        try await schema.prepare(client: client, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in services {
                group.addTask { try await service.run() }
            }
            try await group.waitForAll()
        }
    }
}
