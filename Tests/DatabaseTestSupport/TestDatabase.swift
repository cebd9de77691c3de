import Foundation
import Logging
import PostgresMigrations
import PostgresNIO
import PostgresResilience
import PostgresServer

/// A database of its own for one test, on a real PostgreSQL server: the test cluster (an
/// embedded cluster under /tmp, started by the first test that needs it), or the server of
/// BUDDI_TEST_DATABASE_URL. Migrated with the migration sets the test asks for; dropped by
/// `drop()`. Shared by every test target: each passes its own schema.
package final class TestDatabase: Sendable {
    package let url: DatabaseURL
    package let client: DatabaseClient
    package let logger: Logger
    private let clientTask: Task<Void, Never>

    private static let server = ServerOnce()

    private init(url: DatabaseURL, client: DatabaseClient, clientTask: Task<Void, Never>, logger: Logger) {
        self.url = url
        self.logger = logger
        self.client = client
        self.clientTask = clientTask
    }

    /// A new database, migrated with `schema` (none: empty).
    package static func make(schema: [MigrationSet]) async throws -> TestDatabase {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let admin = try await server.url(logger: logger)
        let name = "t_\(UUID().uuidString.prefix(8).lowercased())"
        // Concurrent CREATE DATABASE from the same template fails with 55006 (template in use):
        // tests run in parallel, so try again.
        for attempt in 1...50 {
            do {
                try await DatabaseProbe.withConnection(admin, logger: logger) { connection in
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
                }
                break
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55006" && attempt < 50 {
                try await Task.sleep(for: .milliseconds(Int.random(in: 20...100)))
            } catch {
                throw TestDatabaseError(description: "cannot create test database \(name): \(String(reflecting: error))")
            }
        }
        let url = admin.with(database: name)
        let client = DatabaseClient(configuration: url.clientConfiguration, backgroundLogger: logger)
        let database = TestDatabase(url: url, client: client, clientTask: await client.runInBackground(), logger: logger)
        if !schema.isEmpty {
            do {
                try await Migrator(client: database.client, sets: schema, logger: logger).migrate()
            } catch {
                throw TestDatabaseError(description: "cannot migrate test database \(name): \(String(reflecting: error))")
            }
        }
        return database
    }

    /// Stops the client and drops the database.
    package func drop() async {
        clientTask.cancel()
        _ = await clientTask.value
        let admin = url.with(database: "postgres")
        _ = try? await DatabaseProbe.withConnection(admin, logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(url.database) WITH (FORCE)"), logger: logger)
        }
    }

    /// Runs one statement and returns the first column of the first row as `T`.
    package func scalar<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? {
        for try await value in try await client.query(query, logger: logger).decode(T.self) { return value }
        return nil
    }

    /// Runs one statement; a failure says which and why (the server's message, not PostgresNIO's
    /// generic description).
    package func execute(_ query: PostgresQuery) async throws {
        do {
            try await client.query(query, logger: logger)
        } catch {
            throw TestDatabaseError(description: "\(query.sql): \(String(reflecting: error))")
        }
    }
}

/// Starts the test server once per test process, however many tests ask at once.
private actor ServerOnce {
    private var starting: Task<DatabaseURL, any Error>?

    func url(logger: Logger) async throws -> DatabaseURL {
        if starting == nil {
            starting = Task { try await Self.start(logger: logger) }
        }
        return try await starting!.value
    }

    private static func start(logger: Logger) async throws -> DatabaseURL {
        if let external = ProcessInfo.processInfo.environment["BUDDI_TEST_DATABASE_URL"], !external.isEmpty {
            return try DatabaseURL(external).with(database: "postgres")
        }
        let directory = ProcessInfo.processInfo.environment["BUDDI_TEST_DATA_DIR"] ?? "/tmp/buddi-test-cluster/postgres"
        let cluster = EmbeddedPostgres(dataDirectory: directory)
        try await cluster.start(logger: logger)
        return cluster.url.with(database: "postgres")
    }
}

/// A test database that could not be made, with the driver's whole story.
struct TestDatabaseError: Error, CustomStringConvertible {
    let description: String
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
package func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

