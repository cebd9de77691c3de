import DatabaseTestSupport
@testable import JobQueue
import PostgresNIO
import Testing

/// The hot statements go out as the mode says: prepared once per connection, or unnamed.
@Suite("Statement modes")
struct StatementModeTests {
    /// The statements prepared on `connection`, by name: how many times each was run with a
    /// generic plan and with a custom one.
    private func plans(on connection: PostgresConnection, _ db: TestDatabase) async throws -> [String: (generic: Int64, custom: Int64)] {
        var plans: [String: (generic: Int64, custom: Int64)] = [:]
        let rows = try await connection.query("SELECT name, generic_plans, custom_plans FROM pg_prepared_statements", logger: db.logger)
        for try await (name, generic, custom) in rows.decode((String, Int64, Int64).self) {
            plans[name] = (generic, custom)
        }
        return plans
    }

    @Test("prepared, a connection prepares the claim, the outcomes and the one-job enqueue once, and the claim and outcomes settle on a generic plan whatever the queue, limit and batch; unnamed, it prepares none; both do the same work")
    func preparedAndUnnamed() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let names = [ClaimStatement.name, RecordStatement.name, InsertOneStatement.name]
        // A busy queue beside the one claimed from, in the statistics: a statement whose plan
        // depended on the queue, the LIMIT or the batch (the claim's and the outcomes' own SQL,
        // sent as statements) would get custom plans here; the calls to the engine's functions
        // do not.
        try await db.execute("INSERT INTO jobs (kind, queue) SELECT 'test.job', 'busy' FROM generate_series(1, 20000)")
        try await db.execute("ANALYZE jobs")
        for mode in [StatementMode.unnamed, .prepared] {
            try await db.client.withConnection { connection in
                // Batches of one to three jobs, claimed with limits of 1 to 10.
                for round in 0..<10 {
                    var ids: [Int64] = []
                    for _ in 0...(round % 3) {
                        let insert = InsertOneStatement(query: JobSQL.insertOne(NewJob(kind: TestArgs.kind, queue: "modes"), traceContext: nil))
                        ids.append(try #require(try await insert.rows(on: connection, mode, logger: db.logger).first))
                    }
                    let claim = ClaimStatement(query: JobSQL.claim(queue: "modes", limit: round + 3, workerID: "w", leaseSeconds: 30))
                    let claimed = try await claim.rows(on: connection, mode, logger: db.logger)
                    #expect(claimed.map(\.0).sorted() == ids, "\(mode)")
                    let finish = RecordStatement(query: JobSQL.record(
                        workerID: "w", ids: ids, attempts: ids.map { _ in 1 }, sequences: ids.map { _ in 0 },
                        states: ids.map { _ in "completed" }, results: ids.map { _ in "{\"ok\": true}" },
                        errors: ids.map { _ in "" }, delaysMs: ids.map { _ in -1 }))
                    let finished = try await finish.rows(on: connection, mode, logger: db.logger)
                    #expect(finished.map(\.0).sorted() == ids && finished.allSatisfy { !$0.1 }, "\(mode)")
                }
                let plans = try await plans(on: connection, db)
                for name in names {
                    #expect((plans[name] != nil) == (mode == .prepared), "\(mode): \(name) in \(plans)")
                }
                // Which queue, how many and how large a batch make no difference to the plan of the
                // call: the claim and the outcomes settle on the generic plan after PostgreSQL's
                // five custom ones, instead of being planned on every call.
                if mode == .prepared {
                    for name in [ClaimStatement.name, RecordStatement.name] {
                        let (generic, custom) = try #require(plans[name])
                        #expect(custom <= 5 && generic >= 5, "\(name): \(generic) generic and \(custom) custom plans")
                    }
                }
            }
        }
        #expect(try await db.scalar("SELECT count(*) FROM jobs WHERE queue = 'modes' AND state = 'completed' AND result = '{\"ok\": true}'", as: Int64.self) == 38)
    }
}
