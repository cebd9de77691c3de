import DatabaseTestSupport
import Foundation
@testable import JobQueue
import Logging
import PostgresMigrations
import PostgresNIO
import PostgresResilience
import Synchronization
import Testing

/// The engine behind a real PgBouncer in transaction-pooling mode: every statement may land on
/// another server connection, so nothing may rely on a session — the worker polls instead of
/// LISTENing, migrations and leader election take no session-level lock, statements are unnamed
/// (`StatementMode.unnamed`).
@Suite("Behind PgBouncer (transaction pooling)", .serialized)
struct PgBouncerTests {
    /// A database with nothing in it yet, a PgBouncer in front of its server, and a client
    /// through the bouncer (the startup parameters it would refuse left out, as an operator would).
    private func withBouncer(_ body: @Sendable (TestDatabase, DatabaseClient) async throws -> Void) async throws {
        let db = try await TestDatabase.make(schema: [])
        defer { Task { await db.drop() } }
        let socket = try #require(db.url.socketDirectory, "the test server is reached by unix socket")
        let bouncer = try await PgBouncer.start(
            upstreamSocketDirectory: socket, upstreamPort: db.url.port, database: db.url.database, user: db.url.username)
        defer { bouncer.stop() }
        let configuration = PostgresClient.Configuration(
            host: bouncer.host, port: bouncer.port, username: db.url.username, password: nil, database: db.url.database, tls: .disable)
        let client = DatabaseClient(configuration: configuration, backgroundLogger: db.logger)
        try await withServicesRunning(client: client, logger: db.logger) { try await body(db, client) }
    }

    @Test("through PgBouncer: the engine migrates itself, 2,000 jobs run exactly once on two polling workers, hooks commit with outcomes, a pause holds, a cancel reaches a running job, and maintenance is elected")
    func transactionPooling() async throws {
        try await withBouncer { db, client in
            // Two migrators at once, through the bouncer: each migration applied once.
            async let first = JobQueueSchema.migrate(client: client, logger: db.logger)
            async let second = JobQueueSchema.migrate(client: client, logger: db.logger)
            let applied = try await first + second
            #expect(applied.sorted() == ["job_queue/0001_baseline", "job_queue/0002_trace_context"])
            try await db.execute("CREATE TABLE ended (job_id bigint, state text, attempt int)")

            let runs = Runs()
            var registry = testRegistry(runs)
            registry.hooks.onEnd(of: TestArgs.kind) { end, connection in
                try await connection.query(
                    "INSERT INTO ended (job_id, state, attempt) VALUES (\(end.id), \(end.state.rawValue), \(end.attempt))",
                    logger: Logger(label: "test"))
            }
            // PgBouncer 1.18 keeps no prepared statement across its server connections.
            let queue = JobQueue(client: client, statements: .unnamed, logger: db.logger)
            var configuration = testConfiguration(concurrency: 8, pollInterval: .milliseconds(100))
            configuration.listens = false
            configuration.statements = .unnamed
            configuration.queues = ["default", "held"]
            let workers = (0..<2).map { _ -> JobWorker in
                var mine = configuration
                mine.workerID = WorkerConfiguration.defaultWorkerID()
                return JobWorker(client: client, registry: registry, configuration: mine, logger: db.logger)
            }
            let maintainer = QueueMaintainer(
                client: client, configuration: .init(leaseDuration: .seconds(2), rescueInterval: .milliseconds(200)), logger: db.logger)
            try await queue.pause(queue: "held")
            let held = try await queue.enqueue(NewJob(TestArgs(), queue: "held")).id
            let long = try await queue.enqueue(NewJob(TestArgs(mode: "sleep", sleepMs: 60_000))).id
            try await withServicesRunning(workers + [maintainer], logger: db.logger) {
                try await expectEventually { runs.hasStarted(long) }
                for chunk in 0..<4 {
                    try await queue.enqueue((0..<500).map { try NewJob(TestArgs(tag: "\(chunk)-\($0)")) })
                }
                try await expectEventually(timeout: .seconds(60)) {
                    try await db.scalar("SELECT count(*) FROM jobs WHERE state = 'completed'", as: Int64.self) == 2000
                }
                #expect(try await queue.cancel(id: long) == .running)
                try await expectEventually { try await db.scalar("SELECT state FROM jobs WHERE id = \(long)", as: String.self) == "cancelled" }
                try await expectEventually { maintainer.elector.isLeader }
                #expect(try await db.scalar("SELECT state FROM jobs WHERE id = \(held)", as: String.self) == "available")
            }
            #expect(try await db.scalar("SELECT count(*) FROM jobs WHERE state = 'completed' AND attempt = 1", as: Int64.self) == 2000)
            #expect(try await db.scalar("SELECT count(*) FROM ended WHERE state = 'completed'", as: Int64.self) == 2000)
            #expect(try await db.scalar("SELECT count(*) FROM ended WHERE state = 'cancelled'", as: Int64.self) == 1)
            #expect(runs.attempts(of: held).isEmpty)
        }
    }
}
