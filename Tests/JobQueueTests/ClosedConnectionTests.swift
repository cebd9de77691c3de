import DatabaseTestSupport
import Foundation
import PostgresNIO
import PostgresResilience
import PostgresServer
import Testing

@Suite("A connection the server closes")
struct ClosedConnectionTests {
    @Test("a transaction whose connection the server closes between two statements fails at once, as an interruption, instead of waiting for ever")
    func closedBetweenStatements() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let started = ContinuousClock.now
        let logger = db.logger
        do {
            try await db.client.transaction(logger: logger) { connection in
                var pid: Int32 = 0
                for try await value in try await connection.query("SELECT pg_backend_pid()", logger: logger).decode(Int32.self) { pid = value }
                // Another session ends this one (as a crash-restart does), while this one computes.
                try await db.execute("SELECT pg_terminate_backend(\(pid))")
                try await Task.sleep(for: .milliseconds(300))
                _ = try await connection.query("SELECT 1", logger: logger)
            }
            Issue.record("the transaction went on over a closed connection")
        } catch {
            #expect(DatabaseInterruption.isInterruption(error), "\(String(reflecting: error))")
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        // The pool goes on with a new connection.
        #expect(try await db.scalar("SELECT 1", as: Int32.self) == 1)
    }
}

@Suite("A connection the client has closed")
struct ClientClosedConnectionTests {
    @Test("a statement whose connection the client closes under it (as the pool closes one the server dropped, mid-restart) is an interruption, not a failure of the work")
    func closedByClient() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let logger = db.logger
        let connection = try await PostgresConnection.connect(configuration: try db.url.connectionConfiguration(), id: 1, logger: logger)
        // Closed while a statement runs on it, as the pool closes a connection whose server went away.
        let closing = Task {
            try await Task.sleep(for: .milliseconds(300))
            try await connection.close()
        }
        do {
            _ = try await connection.query("SELECT pg_sleep(5)", logger: logger)
            Issue.record("a closed connection answered")
        } catch {
            #expect((error as? PSQLError)?.code == .clientClosedConnection, "\(String(reflecting: error))")
            #expect(DatabaseInterruption.isInterruption(error), "\(String(reflecting: error))")
        }
        try await closing.value
        #expect(try await db.scalar("SELECT 1", as: Int32.self) == 1)
    }
}
