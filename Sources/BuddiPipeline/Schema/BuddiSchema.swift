import PostgresResilience
import Foundation
import JobQueue
import Logging
import PostgresMigrations
import PostgresNIO

/// buddi's schema: the job-queue engine's migrations, then the application's (the repository's
/// `migrations/` directory, bundled as a resource so that an installed `buddi` carries its
/// schema with it). Each set starts with its 0.1.0 baseline; later migrations only go forward.
package enum BuddiSchema {
    /// The application's migrations' table.
    package static let table = "schema_migrations"

    /// What an operator runs when the schema is not current.
    package static let applyHint = "run `buddi migrate`, or pass --migrate"

    /// The engine's set, then the application's.
    package static func sets() throws(MigrationError) -> [MigrationSet] {
        [try JobQueueSchema.migrations(), try application.get()]
    }

    /// The application's set.
    package static func applicationSet() throws(MigrationError) -> MigrationSet {
        try application.get()
    }

    private static let application = Result { () throws(MigrationError) -> MigrationSet in
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("migrations").path else {
            throw .invalidMigration(file: "migrations/", reason: "not bundled with this build")
        }
        return MigrationSet(owner: "buddi", table: table, migrations: try Migration.load(directory: directory), qualifiedNames: false)
    }

    /// A migrator for the whole schema.
    package static func migrator(client: DatabaseClient, logger: Logger) throws(MigrationError) -> Migrator {
        Migrator(client: client, sets: try sets(), hint: applyHint, logger: logger)
    }
}
