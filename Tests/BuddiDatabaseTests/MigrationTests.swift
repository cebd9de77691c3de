import BuddiTestSupport
import DatabaseTestSupport
import BuddiPipeline
import JobQueue
@testable import PostgresMigrations
import PostgresServer
import Foundation
import PostgresNIO
import Testing

@Suite("Migrations and configuration", .serialized)
struct MigrationTests {
    @Test("two concurrent `buddi migrate` both succeed and apply each migration once")
    func concurrentMigrate() async throws {
        let db = try await TestDatabase.make(migrated: false)
        defer { Task { await db.drop() } }
        let first = try BuddiProcess(["migrate"], databaseURL: db.url.redacted)
        let second = try BuddiProcess(["migrate"], databaseURL: db.url.redacted)
        #expect(try await first.wait() == 0, "\(first.output)")
        #expect(try await second.wait() == 0, "\(second.output)")
        let sets = try BuddiSchema.sets()
        #expect(try await db.scalar("SELECT count(*) FROM job_queue_migrations", as: Int64.self) == Int64(sets[0].migrations.count))
        #expect(try await db.scalar("SELECT count(*) FROM schema_migrations", as: Int64.self) == Int64(sets[1].migrations.count))
        // Each migration applied by one of the two, whichever came first to it.
        let outputs = first.output + second.output
        for name in sets[0].migrations.map({ "job_queue/\($0.name)" }) + sets[1].migrations.map(\.name) {
            #expect(outputs.components(separatedBy: "migration=\(name) ").count == 2, "\(name): \(outputs)")
        }

        let status = try await BuddiProcess.run(["migrate", "--status"], databaseURL: db.url.redacted)
        #expect(status.status == 0)
        #expect(status.output.contains("job_queue/0001_baseline  applied"), "\(status.output)")
        #expect(status.output.contains("\n0001_baseline  applied"), "\(status.output)")
    }

    @Test("a process against an unmigrated DATABASE_URL refuses to run and says to migrate; --migrate migrates")
    func schemaBehind() async throws {
        let db = try await TestDatabase.make(migrated: false)
        defer { Task { await db.drop() } }
        let refused = try await BuddiProcess.run(["worker"], databaseURL: db.url.redacted)
        #expect(refused.status == 1)
        #expect(refused.output.contains("buddi: the database schema is not current (pending: job_queue/0001_baseline, job_queue/0002_trace_context, 0001_baseline, 0002_written_once, 0003_webhooks, 0004_trace_ids)"), "\(refused.output)")
        #expect(refused.output.contains("0004_trace_ids); run `buddi migrate`, or pass --migrate"), "\(refused.output)")
        #expect(try await db.scalar("SELECT to_regclass('jobs') IS NULL", as: Bool.self) == true)

        let process = try BuddiProcess(["worker", "--migrate"], databaseURL: db.url.redacted)
        // The table appears once the worker has migrated.
        try await expectEventually { (try? await db.scalar("SELECT count(*) FROM workers", as: Int64.self)) == 1 }
        process.signal(SIGTERM)
        #expect(try await process.wait() == 0)
    }

    @Test("an applied migration whose file changed is a clear error, not a silent re-run")
    func changedChecksum() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await db.execute("UPDATE job_queue_migrations SET checksum = 'deadbeef' WHERE version = 1")
        let result = try await BuddiProcess.run(["migrate"], databaseURL: db.url.redacted)
        #expect(result.status == 1)
        #expect(result.output.contains("buddi: migration job_queue/0001_baseline was changed after it was applied"), "\(result.output)")
        let worker = try await BuddiProcess.run(["worker"], databaseURL: db.url.redacted)
        #expect(worker.status == 1)
        #expect(worker.output.contains("was changed after it was applied"))
    }

    @Test("a malformed DATABASE_URL is one line naming what is wrong, without the password")
    func malformedURL() async throws {
        let result = try await BuddiProcess.run(["worker"], databaseURL: "mysql://user:s3cret@host/db")
        #expect(result.status == 1)
        #expect(result.output == "buddi: DATABASE_URL is not a valid PostgreSQL URL: the scheme must be postgres:// or postgresql://, got 'mysql'\n")
        #expect(!result.output.contains("s3cret"))
    }

    @Test("an unreachable server is one line naming host and port")
    func unreachable() async throws {
        let result = try await BuddiProcess.run(["migrate"], databaseURL: "postgres://buddi:s3cret@127.0.0.1:1/buddi?sslmode=disable")
        #expect(result.status == 1)
        #expect(result.output == "buddi: cannot reach PostgreSQL at 127.0.0.1:1, database buddi: connection refused\n", "\(result.output)")
    }

    @Test("every command has --help", arguments: [
        "", "migrate", "worker", "db", "db start", "db stop", "db status", "db url", "fetch", "verify", "analyze",
        "simulator", "api", "api check",
        "scheduler", "start", "stop", "status", "config", "jobs", "jobs list", "jobs show", "jobs retry", "jobs cancel",
        "serve", "demo",
    ])
    func help(_ command: String) async throws {
        let arguments = command.split(separator: " ").map(String.init) + ["--help"]
        let result = try await BuddiProcess.run(arguments, databaseURL: nil)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("USAGE: buddi \(command)"), "\(result.output)")
    }

    @Test("every buddi-lab command has --help", arguments: [
        "", "bench", "bench queue", "bench ingest", "bench soak", "bench api", "bench analyze", "chaos",
    ])
    func labHelp(_ command: String) async throws {
        let arguments = command.split(separator: " ").map(String.init) + ["--help"]
        let result = try await BuddiProcess.run(arguments, program: .lab, databaseURL: nil)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("USAGE: buddi-lab \(command)"), "\(result.output)")
    }

    @Test("buddi-lab without a buddi beside it says so, naming the path and how to build it, before it starts anything")
    func labWithoutBuddi() async throws {
        let directory = NSTemporaryDirectory() + "buddi-lab-alone-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lab = directory + "/buddi-lab"
        try FileManager.default.copyItem(atPath: BuddiProcess.Program.lab.path, toPath: lab)
        for arguments in [["chaos", "--short", "--data-dir", directory + "/postgres"], ["bench", "ingest", "--data-dir", directory + "/postgres"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: lab)
            process.arguments = arguments
            let output = Pipe()
            process.standardError = output
            process.standardOutput = output
            try process.run()
            process.waitUntilExit()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 1, "\(arguments): \(text)")
            #expect(text.contains("buddi-lab: \(directory)/buddi is missing"), "\(arguments): \(text)")
            #expect(text.contains("build buddi beside buddi-lab"), "\(arguments): \(text)")
            #expect(!FileManager.default.fileExists(atPath: directory + "/postgres"), "\(arguments) started a cluster first")
        }
    }

    @Test("both executables print version 0.1.0, CHANGELOG.md's newest; bench and chaos are not in buddi")
    func version() async throws {
        let changelog = try String(contentsOfFile: #filePath.replacingOccurrences(of: "Tests/BuddiDatabaseTests/MigrationTests.swift", with: "CHANGELOG.md"), encoding: .utf8)
        let newest = changelog.split(separator: "\n").first { $0.hasPrefix("## ") && !$0.contains("Unreleased") }.map(String.init) ?? ""
        #expect(newest.hasPrefix("## 0.1.0"), "\(newest)")
        for program in [BuddiProcess.Program.buddi, .lab] {
            let result = try await BuddiProcess.run(["--version"], program: program, databaseURL: nil)
            #expect(result.status == 0 && result.output == "0.1.0\n", "\(program): \(result.output)")
        }
        for command in ["bench", "chaos"] {
            let result = try await BuddiProcess.run([command], databaseURL: nil)
            #expect(result.status != 0 && result.output.contains("Unexpected argument '\(command)'"), "buddi \(command): \(result.output)")
        }
    }

    @Test("bad fetch dates are refused with the flag and the value", arguments: [
        (["fetch", "--date", "2025-13-01"], "--date must be a date as YYYY-MM-DD, got '2025-13-01'"),
        (["fetch", "--since", "yesterday"], "--since must be a date as YYYY-MM-DD, got 'yesterday'"),
        (["fetch", "--since", "2025-03-02", "--until", "2025-03-01"], "--until (2025-03-01) is before --since (2025-03-02)"),
        (["fetch", "--until", "2025-03-01"], "--until needs --since"),
        (["fetch", "--since", "2000-01-01", "--until", "2025-01-01"], "the window from --since to --until is 9133 days; at most 3660"),
        (["fetch", "--max-conversations", "0"], "--max-conversations must be from 1 to 100000, got 0"),
    ])
    func badFetchDates(_ arguments: [String], _ message: String) async throws {
        let result = try await BuddiProcess.run(arguments, databaseURL: "postgres://nobody@127.0.0.1:1/x")
        #expect(result.status == 64)
        #expect(result.output.contains(message), "\(result.output)")
    }

    @Test("the embedded-cluster commands refuse to act when DATABASE_URL is set")
    func dbCommandsWithDatabaseURL() async throws {
        let result = try await BuddiProcess.run(["db", "status"], databaseURL: "postgres://nobody@127.0.0.1:1/x")
        #expect(result.status == 1)
        #expect(result.output == "buddi: DATABASE_URL is set: buddi uses that server and manages no embedded cluster\n")
    }

    @Test("bad worker options are refused before anything starts")
    func badWorkerOptions() async throws {
        let result = try await BuddiProcess.run(["worker", "--concurrency", "0"], databaseURL: "postgres://nobody@127.0.0.1:1/x")
        #expect(result.status != 0)
        #expect(result.output.contains("concurrency must be at least 1, got 0"), "\(result.output)")
    }

    @Test("migration files split into statements at top-level semicolons only")
    func scriptSplitting() {
        let sql = """
            -- a comment; with a semicolon
            CREATE TABLE a (b text DEFAULT 'x;y');
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN PERFORM 1; RETURN NULL; END;
            $body$;
            /* block; comment */ SELECT "odd;name" FROM a;
            """
        let statements = SQLScript.statements(in: sql)
        #expect(statements.count == 3)
        #expect(statements[0].hasSuffix("DEFAULT 'x;y')"))
        #expect(statements[1].contains("BEGIN PERFORM 1; RETURN NULL; END;"))
        #expect(statements[2].hasSuffix(#"SELECT "odd;name" FROM a"#))
    }
}
