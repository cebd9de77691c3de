import BuddiPipeline
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import JobQueue
import PostgresMigrations
import PostgresNIO
@testable import PostgresServer
import Testing

/// A database at the schema buddi 0.1.0 shipped, holding data, upgrades in place to the current
/// schema: nothing lost, and the same schema as a new database. Every migration after 0.1.0 is
/// checked by this test.
@Suite("Schema upgrades", .serialized)
struct SchemaUpgradeTests {
    /// The schema as pg_dump prints it, without the migration records.
    private func schema(of db: TestDatabase) throws -> String {
        let binaries = try ServerBinaries.locate()
        var arguments = ["-s", "--restrict-key=schemacheck", "-U", db.url.username, "-d", db.url.database,
                         "-T", BuddiSchema.table, "-T", JobQueueSchema.table]
        if let socket = db.url.socketDirectory { arguments += ["-h", socket, "-p", "\(db.url.port)"] }
        else if let host = db.url.host { arguments += ["-h", host, "-p", "\(db.url.port)"] }
        return try binaries.run("pg_dump", arguments, step: "pg_dump")
    }

    @Test("a database at 0.1.0's schema, with jobs, runs and conversations in it, upgrades in place to the schema of a new database")
    func upgradeFromRelease010() async throws {
        let old = try await TestDatabase.make(schema: try TestDatabase.release010Sets())
        defer { Task { await old.drop() } }
        // What a running cluster has: a finished fetch, one still pending with its run, a conversation.
        try await old.execute("""
            INSERT INTO jobs (kind, state, args, finished_at, result) VALUES ('fetch', 'completed', '{"maxConversations": 5}', now(), '{"new": 5}')
            """)
        let pending = try #require(try await old.scalar("INSERT INTO jobs (kind, args) VALUES ('fetch', '{}') RETURNING id", as: Int64.self))
        try await old.execute("INSERT INTO fetch_runs (job_id, trigger) VALUES (\(pending), 'manual')")
        try await old.execute("INSERT INTO conversations (buddi_id, raw) VALUES ('m-1', '{\"id\": \"m-1\"}')")

        let ran = try await BuddiSchema.migrator(client: old.client, logger: old.logger).migrate()
        let sets = try BuddiSchema.sets()
        let later = sets[0].migrations.filter { $0.version > TestDatabase.release010Versions.engine }.map { "job_queue/\($0.name)" }
            + sets[1].migrations.filter { $0.version > TestDatabase.release010Versions.application }.map(\.name)
        #expect(ran == later)
        try await BuddiSchema.migrator(client: old.client, logger: old.logger).checkCurrent()
        #expect(try await old.scalar("SELECT count(*) FROM jobs", as: Int64.self) == 3)
        // The conversation 0.1.0 left pending gets a process job of its own.
        #expect(try await old.scalar("""
            SELECT count(*) FROM jobs j, conversations c
            WHERE j.kind = 'process' AND c.buddi_id = 'm-1' AND j.args -> 'conversationIDs' = jsonb_build_array(c.id)
            """, as: Int64.self) == 1)
        #expect(try await old.scalar("SELECT result ->> 'new' FROM jobs WHERE state = 'completed'", as: String.self) == "5")
        #expect(try await old.scalar("SELECT count(*) FROM fetch_runs WHERE job_id = \(pending)", as: Int64.self) == 1)
        #expect(try await old.scalar("SELECT count(*) FROM conversations WHERE buddi_id = 'm-1'", as: Int64.self) == 1)

        let new = try await TestDatabase.make()
        defer { Task { await new.drop() } }
        let upgraded = try schema(of: old)
        let fresh = try schema(of: new)
        #expect(upgraded.contains("CREATE TABLE public.jobs"))
        #expect(upgraded == fresh, "the upgraded schema differs from a new database's")
    }

    @Test("a 0.1.0 migration changed since it was applied is refused, and nothing is applied")
    func changedReleasedMigration() async throws {
        let old = try await TestDatabase.make(schema: try TestDatabase.release010Sets())
        defer { Task { await old.drop() } }
        try await old.execute("UPDATE schema_migrations SET checksum = 'deadbeef' WHERE version = \(TestDatabase.release010Versions.application)")
        await #expect(throws: MigrationError.self) {
            try await BuddiSchema.migrator(client: old.client, logger: old.logger).migrate()
        }
        #expect(try await old.scalar("SELECT count(*) FROM schema_migrations", as: Int64.self) == Int64(TestDatabase.release010Versions.application))
    }
}
