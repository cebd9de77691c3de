import BuddiPipeline
import DatabaseTestSupport
import PostgresMigrations

extension TestDatabase {
    /// A new database with buddi's whole schema (the engine's, then the application's), or empty.
    package static func make(migrated: Bool = true) async throws -> TestDatabase {
        try await make(schema: migrated ? BuddiSchema.sets() : [])
    }

    /// The last version of each set (the engine's, then the application's) that 0.1.0 shipped.
    package static let release010Versions = (engine: 1, application: 1)

    /// The sets as 0.1.0 shipped them.
    package static func release010Sets() throws -> [MigrationSet] {
        let sets = try BuddiSchema.sets()
        return zip(sets, [release010Versions.engine, release010Versions.application]).map { set, last in
            MigrationSet(
                owner: set.owner, table: set.table, migrations: set.migrations.filter { $0.version <= last },
                qualifiedNames: set.owner != "buddi")
        }
    }
}
