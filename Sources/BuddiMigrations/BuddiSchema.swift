import Foundation
import JobQueue
import Logging
import PostgresMigrations
import PostgresNIO

/// buddi's schema: the job-queue engine's migrations, then the application's (the repository's
/// `migrations/` directory, bundled as a resource so that an installed `buddi` carries its
/// schema with it).
///
/// The application's migrations up to 0012 created the engine's tables too; they are kept,
/// byte for byte, in `migrations/legacy/`, and `0013_app_schema` creates on a new database what
/// they left of the application's. A database migrated by an earlier release is brought to the
/// end of that history, adopts the engine's migrations (which find their objects there and
/// change nothing), and records 0013 as applied.
public enum BuddiSchema {
    /// The application's migrations' table.
    public static let table = "schema_migrations"
    /// The version of the application's migrations that stands for the legacy history.
    public static let baseline = 13

    /// What an operator runs when the schema is not current.
    public static let applyHint = "run `buddi migrate`, or pass --migrate"

    /// The engine's set, then the application's.
    public static func sets() throws(MigrationError) -> [MigrationSet] {
        [try JobQueueSchema.migrations(), try application.get()]
    }

    /// The application's set.
    public static func applicationSet() throws(MigrationError) -> MigrationSet {
        try application.get()
    }

    private static let application = Result { () throws(MigrationError) -> MigrationSet in
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("migrations").path else {
            throw .invalidMigration(file: "migrations/", reason: "not bundled with this build")
        }
        let history = MigrationHistory(migrations: try Migration.load(directory: "\(directory)/legacy"), baseline: baseline)
        return MigrationSet(
            owner: "buddi", table: table, migrations: try Migration.load(directory: directory), history: history,
            qualifiedNames: false)
    }

    /// A migrator for the whole schema.
    public static func migrator(client: PostgresClient, logger: Logger) throws(MigrationError) -> Migrator {
        Migrator(client: client, sets: try sets(), hint: applyHint, logger: logger)
    }
}
