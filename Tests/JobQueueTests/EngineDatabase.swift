import DatabaseTestSupport
import JobQueue

extension TestDatabase {
    /// A new database with the engine's schema alone.
    static func make() async throws -> TestDatabase {
        try await make(schema: [JobQueueSchema.migrations()])
    }
}
