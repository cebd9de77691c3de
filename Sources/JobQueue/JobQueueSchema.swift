import PostgresResilience
import Foundation
import Logging
import PostgresMigrations
import PostgresNIO

/// The engine's own schema — jobs, workers, leader leases, queue controls — as versioned
/// migrations shipped inside this module and recorded in `job_queue_migrations`. An application
/// applies them before its own (`Migrator(client:sets: [JobQueueSchema.migrations()] + …)`), or
/// alone with ``migrate(client:logger:)``.
public enum JobQueueSchema {
    /// The table the engine's applied migrations are recorded in.
    public static let table = "job_queue_migrations"

    /// The engine's migrations, read once from this module's resources.
    public static func migrations() throws(MigrationError) -> MigrationSet {
        try loaded.get()
    }

    private static let loaded = Result { () throws(MigrationError) -> MigrationSet in
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("Schema").path else {
            throw .invalidMigration(file: "Schema/", reason: "the job queue's migrations are not bundled with this build")
        }
        return MigrationSet(owner: "job_queue", table: table, migrations: try Migration.load(directory: directory))
    }

    /// Applies the engine's pending migrations (safe from several processes at once); returns
    /// the names of those it ran.
    @discardableResult
    public static func migrate(client: DatabaseClient, logger: Logger) async throws -> [String] {
        try await Migrator(client: client, sets: [migrations()], logger: logger).migrate()
    }
}
