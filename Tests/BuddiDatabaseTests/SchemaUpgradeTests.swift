import BuddiMigrations
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import JobQueue
import PostgresMigrations
import PostgresNIO
@testable import PostgresServer
import Testing

/// A database migrated by the previous release (the application's migrations 0001–0012, which
/// created the engine's tables too) upgrades in place to the engine's own schema plus the
/// application's re-based one: nothing lost, and the same schema as a new database.
@Suite("Schema upgrades", .serialized)
struct SchemaUpgradeTests {
    /// The previous release's migrator: the legacy files, recorded in `schema_migrations`.
    private func legacySet(upTo version: Int = .max) throws -> MigrationSet {
        let history = try #require(BuddiSchema.applicationSet().history)
        return MigrationSet(
            owner: "buddi", table: BuddiSchema.table, migrations: history.migrations.filter { $0.version <= version },
            qualifiedNames: false)
    }

    /// The schema as pg_dump prints it, without the migration records.
    private func schema(of db: TestDatabase) throws -> String {
        let binaries = try ServerBinaries.locate()
        var arguments = ["-s", "--restrict-key=schemacheck", "-U", db.url.username, "-d", db.url.database,
                         "-T", BuddiSchema.table, "-T", JobQueueSchema.table]
        if let socket = db.url.socketDirectory { arguments += ["-h", socket, "-p", "\(db.url.port)"] }
        else if let host = db.url.host { arguments += ["-h", host, "-p", "\(db.url.port)"] }
        return try binaries.run("pg_dump", arguments, step: "pg_dump")
    }

    @Test("a database at the previous release's schema, with jobs and runs in it, upgrades in place to the schema of a new database")
    func upgradeFromPreviousRelease() async throws {
        let old = try await TestDatabase.make(schema: [legacySet()])
        defer { Task { await old.drop() } }
        // What a running cluster has: a finished fetch, one still pending with its run, a conversation.
        try await old.execute("""
            INSERT INTO jobs (kind, state, args, finished_at, result) VALUES ('fetch', 'completed', '{"maxConversations": 5}', now(), '{"new": 5}')
            """)
        let pending = try #require(try await old.scalar("INSERT INTO jobs (kind, args) VALUES ('fetch', '{}') RETURNING id", as: Int64.self))
        try await old.execute("INSERT INTO fetch_runs (job_id, trigger) VALUES (\(pending), 'manual')")
        try await old.execute("INSERT INTO conversations (buddi_id, raw) VALUES ('m-1', '{\"id\": \"m-1\"}')")
        #expect(try await old.scalar("SELECT count(*) FROM pg_trigger WHERE tgname = 'fetch_runs_job_ended'", as: Int64.self) == 1)

        let ran = try await BuddiSchema.migrator(client: old.client, logger: old.logger).migrate()
        #expect(ran == [
            "job_queue/0001_job_queue", "job_queue/0002_queue_controls", "job_queue/0003_depth_at_scale", "job_queue/0004_claim_and_finish_functions", "job_queue/0005_leaner_outcomes",
            "0014_job_ended_hook", "0015_console_indexes", "0016_reads_at_scale", "0017_cheaper_root_check",
        ])
        try await BuddiSchema.migrator(client: old.client, logger: old.logger).checkCurrent()
        #expect(try await old.scalar("SELECT count(*) FROM jobs", as: Int64.self) == 2)
        #expect(try await old.scalar("SELECT result ->> 'new' FROM jobs WHERE state = 'completed'", as: String.self) == "5")
        #expect(try await old.scalar("SELECT count(*) FROM conversations WHERE buddi_id = 'm-1'", as: Int64.self) == 1)
        #expect(try await old.scalar("SELECT snoozes FROM jobs WHERE id = \(pending)", as: Int32.self) == 0)
        #expect(try await old.scalar("SELECT count(*) FROM schema_migrations WHERE version = \(BuddiSchema.baseline)", as: Int64.self) == 1)
        #expect(try await old.scalar("SELECT count(*) FROM pg_trigger WHERE tgname = 'fetch_runs_job_ended'", as: Int64.self) == 0)

        let new = try await TestDatabase.make()
        defer { Task { await new.drop() } }
        let upgraded = try schema(of: old)
        let fresh = try schema(of: new)
        #expect(upgraded.contains("CREATE TABLE public.jobs"))
        #expect(upgraded == fresh, "the upgraded schema differs from a new database's")
    }

    @Test("a database of an older release, part-way through the legacy migrations, finishes them, then upgrades")
    func upgradeFromOlderRelease() async throws {
        let old = try await TestDatabase.make(schema: [legacySet(upTo: 8)])
        defer { Task { await old.drop() } }
        let ran = try await BuddiSchema.migrator(client: old.client, logger: old.logger).migrate()
        #expect(ran.prefix(4) == ["0009_fetch_runs_job_ended", "0010_crash_safe_progress", "0011_rejected_memories", "0012_job_timeouts"])
        #expect(ran.suffix(9) == [
            "job_queue/0001_job_queue", "job_queue/0002_queue_controls", "job_queue/0003_depth_at_scale", "job_queue/0004_claim_and_finish_functions", "job_queue/0005_leaner_outcomes",
            "0014_job_ended_hook", "0015_console_indexes", "0016_reads_at_scale", "0017_cheaper_root_check",
        ])
        try await BuddiSchema.migrator(client: old.client, logger: old.logger).checkCurrent()
        let new = try await TestDatabase.make()
        defer { Task { await new.drop() } }
        #expect(try schema(of: old) == schema(of: new))
    }

    @Test("a legacy migration changed since it was applied is refused, and nothing is upgraded")
    func changedLegacyMigration() async throws {
        let old = try await TestDatabase.make(schema: [legacySet()])
        defer { Task { await old.drop() } }
        try await old.execute("UPDATE schema_migrations SET checksum = 'deadbeef' WHERE version = 5")
        await #expect(throws: MigrationError.self) {
            try await BuddiSchema.migrator(client: old.client, logger: old.logger).migrate()
        }
        #expect(try await old.scalar("SELECT to_regclass('job_queue_migrations') IS NULL", as: Bool.self) == false)
        #expect(try await old.scalar("SELECT count(*) FROM job_queue_migrations", as: Int64.self) == 0)
    }
}
