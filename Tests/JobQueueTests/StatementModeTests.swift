import DatabaseTestSupport
@testable import JobQueue
import PostgresNIO
import Testing

/// The hot statements go out as the mode says: prepared once per connection, or unnamed.
@Suite("Statement modes")
struct StatementModeTests {
    /// The names of the statements prepared on `connection`.
    private func prepared(on connection: PostgresConnection, _ db: TestDatabase) async throws -> Set<String> {
        var names = Set<String>()
        for try await name in try await connection.query("SELECT name FROM pg_prepared_statements", logger: db.logger).decode(String.self) {
            names.insert(name)
        }
        return names
    }

    @Test("prepared, a connection prepares the claim, the outcome and the one-job enqueue once and runs them again by name; unnamed, it prepares none, and both do the same work")
    func preparedAndUnnamed() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let names = [ClaimStatement.name, FinishStatement.name, InsertOneStatement.name]
        for mode in [StatementMode.unnamed, .prepared] {
            try await db.client.withConnection { connection in
                for _ in 0..<3 {
                    let insert = InsertOneStatement(query: JobSQL.insertOne(NewJob(kind: TestArgs.kind, queue: "modes")))
                    let id = try #require(try await insert.rows(on: connection, mode, logger: db.logger).first)
                    let claim = ClaimStatement(query: JobSQL.claim(queue: "modes", limit: 5, workerID: "w", leaseSeconds: 30))
                    let claimed = try await claim.rows(on: connection, mode, logger: db.logger)
                    #expect(claimed.map(\.0) == [id], "\(mode)")
                    let finish = FinishStatement(query: JobSQL.finish(
                        workerID: "w", ids: [id], attempts: [1], sequences: [0], states: ["completed"],
                        results: ["{\"ok\": true}"], errors: [""], delaysMs: [-1]))
                    let finished = try await finish.rows(on: connection, mode, logger: db.logger)
                    #expect(finished.map(\.0) == [id] && finished.map(\.4) == ["completed"], "\(mode)")
                }
                let preparedNames = try await prepared(on: connection, db)
                for name in names {
                    #expect(preparedNames.contains(name) == (mode == .prepared), "\(mode): \(name) in \(preparedNames)")
                }
            }
        }
        #expect(try await db.scalar("SELECT count(*) FROM jobs WHERE queue = 'modes' AND state = 'completed' AND result = '{\"ok\": true}'", as: Int64.self) == 6)
    }
}
