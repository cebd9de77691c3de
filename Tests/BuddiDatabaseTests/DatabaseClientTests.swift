import DatabaseTestSupport
import Foundation
import Logging
import PostgresNIO
import PostgresResilience
import PostgresServer
import Testing

/// The client buddi's processes share, against a private cluster the test stops and starts.
@Suite("Database client", .serialized)
struct DatabaseClientTests {
    private let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with a private cluster and a running client of it.
    private func withCluster(_ body: (EmbeddedPostgres, DatabaseClient) async throws -> Void) async throws {
        try await withPrivateCluster { cluster in
            try await cluster.start(logger: logger)
            let client = DatabaseClient(configuration: cluster.url.clientConfiguration, backgroundLogger: logger)
            let running = await client.runInBackground()
            defer { running.cancel() }
            try await body(cluster, client)
        }
    }

    /// Whether `client` answers `SELECT 1` within a second.
    private func answers(_ client: DatabaseClient) async -> Bool {
        (try? await withDatabaseDeadline(.seconds(1), "SELECT 1") {
            try await client.execute("SELECT 1", logger: logger)
        }) != nil
    }

    @Test("after half a minute with the server gone, work is answered within 5 seconds of its return: the pool still backing off is replaced")
    func backSoonAfterLongOutage() async throws {
        try await withCluster { cluster, client in
            #expect(await answers(client))
            try cluster.stop(mode: .immediate)
            // Calls keep coming while the server is away, as a worker's claims do; the pool's backoff grows.
            let outage = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < outage {
                #expect(!(await answers(client)))
                try await Task.sleep(for: .milliseconds(200))
            }
            try await cluster.start(logger: logger)
            let back = ContinuousClock.now
            #expect(try await eventually(timeout: .seconds(5)) { await answers(client) }, "answered \(ContinuousClock.now - back) after the server's return")
            #expect(client.renewals >= 1)
        }
    }

    @Test("a connection the server ends while it stays up does not replace a pool that still answers")
    func healthyPoolKept() async throws {
        try await withCluster { cluster, client in
            let logger = logger
            let sleeper = Task { try await client.execute("SELECT pg_sleep(30)", logger: logger) }
            // The sleeping call fails with 57P01, as calls do when the server shuts down.
            let ended = try await DatabaseProbe.withConnection(cluster.url, logger: logger) { connection throws in
                try await eventually {
                    try await connection.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'", logger: logger)
                        .decode(Bool.self).first { _ in true } == true
                }
            }
            #expect(ended)
            await #expect(throws: (any Error).self) { try await sleeper.value }
            try await Task.sleep(for: .seconds(2))
            #expect(await answers(client))
            #expect(client.renewals == 0)
        }
    }
}
