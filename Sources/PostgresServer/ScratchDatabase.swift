import Logging
import PostgresNIO

/// A throwaway database on a server, for benchmarks and the chaos suite: created empty under a
/// random name, dropped (with its connections) afterwards.
package enum ScratchDatabase {
    /// Creates a new, empty database named `prefix_<random>` on `server`'s server; returns its URL.
    package static func create(prefix: String, on server: DatabaseURL, logger: Logger) async throws -> DatabaseURL {
        let url = server.with(database: "\(prefix)_\(UInt32.random(in: 0...UInt32.max))")
        try await DatabaseProbe.withConnection(server.with(database: "postgres"), logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(url.database)"), logger: logger)
        }
        return url
    }

    /// Drops a database made by ``create(prefix:on:logger:)``, closing its connections.
    package static func drop(_ url: DatabaseURL, logger: Logger) async throws {
        try await DatabaseProbe.withConnection(url.with(database: "postgres"), logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(url.database) WITH (FORCE)"), logger: logger)
        }
    }

    /// Runs `body` in a new scratch database, dropped afterwards whatever `body` does.
    package static func with<T: Sendable>(
        prefix: String, on server: DatabaseURL, logger: Logger, _ body: (DatabaseURL) async throws -> T
    ) async throws -> T {
        let url = try await create(prefix: prefix, on: server, logger: logger)
        do {
            let result = try await body(url)
            try await drop(url, logger: logger)
            return result
        } catch {
            try? await drop(url, logger: logger)
            throw error
        }
    }
}
