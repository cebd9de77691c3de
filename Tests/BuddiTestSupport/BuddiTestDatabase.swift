import BuddiPipeline
import DatabaseTestSupport

extension TestDatabase {
    /// A new database with buddi's whole schema (the engine's, then the application's), or empty.
    package static func make(migrated: Bool = true) async throws -> TestDatabase {
        try await make(schema: migrated ? BuddiSchema.sets() : [])
    }
}
