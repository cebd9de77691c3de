import PostgresResilience
import ArgumentParser
import PostgresServer
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Where the database is: DATABASE_URL, or the embedded cluster in `--data-dir`.
package struct DatabaseOptions: ParsableArguments {
    /// The options as parsed from the command line.
    package init() {}

    @Option(name: .customLong("data-dir"), help: "The embedded cluster's data directory, when DATABASE_URL is unset (default: $BUDDI_DATA_DIR or ./.buddi/postgres).")
    package var dataDirectory: String?

    @Flag(help: "Against DATABASE_URL, apply pending migrations at start instead of refusing to run.")
    package var migrate = false

    /// The embedded cluster, when DATABASE_URL is unset.
    package var embedded: EmbeddedPostgres? {
        let environment = BuddiEnvironment.current
        guard environment.databaseURL == nil else { return nil }
        return EmbeddedPostgres(dataDirectory: dataDirectory ?? environment.dataDirectory)
    }

    /// What watches over the database under a long-running process: its disk (a ``DiskWatch``)
    /// and, for the embedded cluster, a ``ClusterSupervisor`` that starts it again.
    package func supervision(client: DatabaseClient, logger: Logger) -> [any Service] {
        [diskWatch(client: client, logger: logger)] + (embedded.map { [ClusterSupervisor(cluster: $0, logger: logger)] } ?? [])
    }

    /// The watch over the disk of `client`'s database.
    package func diskWatch(client: DatabaseClient, logger: Logger) -> DiskWatch {
        DiskWatch(client: client, cluster: embedded, logger: logger)
    }

    /// A client of `url`, its sessions limited as the environment says.
    package func client(of url: DatabaseURL, logger: Logger) throws -> DatabaseClient {
        DatabaseClient(configuration: url.clientConfiguration(limits: try BuddiEnvironment.current.sessionLimits()), backgroundLogger: logger)
    }

    /// The database URL: DATABASE_URL parsed, or the embedded cluster's (started if needed).
    /// Throws naming the variable when a database setting of the environment is not valid. With
    /// `waiting` (a long-running process), a server that is down or starting is waited for.
    package func resolveURL(logger: Logger, waiting: Bool = false) async throws -> DatabaseURL {
        try BuddiEnvironment.current.check([.database])
        if let embedded {
            try await embedded.start(logger: logger)
            return embedded.url
        }
        let url = try BuddiEnvironment.current.parsedDatabaseURL() ?? DatabaseURL("")
        if waiting {
            try await DatabaseProbe.waitUntilReachable(url, logger: logger)
        } else {
            try await DatabaseProbe.check(url, logger: logger)
        }
        return url
    }

    /// Connects, makes sure the schema is current (migrating the embedded cluster, or with
    /// `--migrate`), and runs `body` with a running client.
    package func withDatabase<T: Sendable>(
        logger: Logger, _ body: @Sendable (DatabaseClient, DatabaseURL) async throws -> T
    ) async throws -> T {
        let url = try await resolveURL(logger: logger)
        let client = try client(of: url, logger: logger)
        return try await withServicesRunning(client: client, logger: logger) {
            try await schemaPolicy.prepare(client: client, logger: logger)
            return try await body(client, url)
        }
    }

    /// Migrate the embedded cluster (or anything with `--migrate`); otherwise check.
    package var schemaPolicy: SchemaPolicy {
        embedded != nil || migrate ? .migrate : .check
    }
}
