import DatabaseTestSupport
@testable import JobQueue
import PostgresNIO
import Testing

/// The statements that look up jobs by id stay linear in the batch, whatever the statistics say.
@Suite("Query plans")
struct QueryPlanTests {
    @Test("recording outcomes, extending leases, saving checkpoints and pruning look a batch up by id, never every running job for every id, in custom and generic plans, after ANALYZE of an empty table and of a filled one")
    func batchStatementsUseThePrimaryKey() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await db.execute("ANALYZE jobs")
        try await db.queue.enqueue(try (0..<20_000).map { _ in try NewJob(TestArgs()) })
        try await db.execute("""
            UPDATE jobs SET state = 'running', attempt = 1, worker_id = 'w', started_at = now(),
                            lease_expires_at = now() + interval '1 minute'
            WHERE id IN (SELECT id FROM jobs ORDER BY id LIMIT 700)
            """)
        let ids = try await db.scalar("SELECT array_agg(id ORDER BY id) FROM jobs WHERE state = 'running'", as: [Int64].self) ?? []
        #expect(ids.count == 700)
        let ones = [Int32](repeating: 1, count: ids.count)
        let record = JobSQL.record(
            workerID: "w", ids: ids, attempts: ones, sequences: [Int32](repeating: 0, count: ids.count),
            states: [String](repeating: "completed", count: ids.count), results: [String](repeating: "", count: ids.count),
            errors: [String](repeating: "", count: ids.count), delaysMs: [Double](repeating: -1, count: ids.count))
        // Recording outcomes is a function: its statement is planned with the function's settings.
        let recording = try await db.statement(of: "job_queue_record", boundAs: record)
        let byID: [(String, PostgresQuery, [String])] = [
            ("record", recording.query, recording.settings),
            ("extendLeases", JobSQL.extendLeases(ids: ids, workerID: "w", leaseSeconds: 30), []),
            ("saveProgress", JobSQL.saveProgress(id: ids[0], attempt: 1, workerID: "w", expectedSequence: 0, progressJSON: "{}"), []),
            ("holds", JobSQL.holds(id: ids[0], attempt: 1, workerID: "w"), []),
        ]
        // First with the statistics of the empty table, then with those of 700 running of 20,000.
        for analyzed in ["empty", "filled"] {
            if analyzed == "filled" { try await db.execute("ANALYZE jobs") }
            // Custom plans (unnamed statements) and the generic plans prepared statements settle on.
            for (name, query, settings) in byID {
                for generic in [false, true] {
                    let plan = try await db.plan(of: query, analyze: true, generic: generic, settings: settings)
                    let which = "\(name) (\(generic ? "generic" : "custom") plan) after ANALYZE of the \(analyzed) table"
                    #expect(!plan.contains("jobs_running_lease"), "\(which):\n\(plan)")
                    #expect(rowsRemovedByJoinFilter(plan) <= ids.count, "\(which):\n\(plan)")
                    #expect(buffersTouched(plan) <= ids.count * 20, "\(which):\n\(plan)")
                    #expect(arrayIndexScanLoops(plan) <= 1, "\(which):\n\(plan)")
                }
            }
        }

        // Pruning finds its batch by age and deletes it by id, with the statistics of a table of
        // waiting and running jobs and with those of one of finished jobs.
        try await db.execute("UPDATE jobs SET state = 'completed', finished_at = now() - interval '2 days' WHERE id > 10000")
        for analyzed in ["unfinished", "finished"] {
            if analyzed == "finished" { try await db.execute("ANALYZE jobs") }
            let plan = try await db.plan(of: JobSQL.prune(state: .completed, olderThanSeconds: 86_400, limit: 5_000), analyze: true)
            #expect(plan.contains("jobs_finished") && plan.contains("jobs_pkey"), "prune after ANALYZE of \(analyzed) jobs:\n\(plan)")
            #expect(!plan.contains("Seq Scan on jobs"), "prune after ANALYZE of \(analyzed) jobs:\n\(plan)")
        }

        // And they still do their work: every outcome recorded once, fenced on worker and attempt.
        var recorded = 0
        for try await _ in try await db.client.query(JobSQL.record(
            workerID: "other", ids: ids, attempts: ones, sequences: ones.map { _ in 0 },
            states: ids.map { _ in "completed" }, results: ids.map { _ in "" }, errors: ids.map { _ in "" },
            delaysMs: ids.map { _ in -1 }), logger: db.logger) { recorded += 1 }
        #expect(recorded == 0)
        for try await _ in try await db.client.query(record, logger: db.logger) { recorded += 1 }
        #expect(recorded == 700)
        #expect(try await db.scalar("SELECT count(*) FROM jobs WHERE id <= 10000 AND state = 'completed' AND worker_id IS NULL", as: Int64.self) == 700)
    }

    /// The buffers one call of `call` touches on `connection`, all of the function's work included.
    private func buffers(of call: PostgresQuery, on connection: PostgresConnection, _ db: TestDatabase) async throws -> Int {
        var plan = ""
        try await connection.query("BEGIN", logger: db.logger)
        let explain = PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, BUFFERS) " + call.sql, binds: call.binds)
        for try await line in try await connection.query(explain, logger: db.logger).decode(String.self) { plan += line + "\n" }
        try await connection.query("ROLLBACK", logger: db.logger)
        return buffersTouched(plan)
    }

    @Test("the claim and outcome functions keep the plans they made on a nearly empty table, and those plans still go by index once the table holds 20,000 jobs")
    func keptPlansStayIndexed() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await db.execute("ANALYZE jobs")
        // No autovacuum ANALYZE may invalidate the kept plans, and have them made again on the
        // full table, before they are measured.
        try await db.execute("ALTER TABLE jobs SET (autovacuum_enabled = false)")
        try await db.client.withConnection { connection in
            // Plans made, and kept for the session, while the table holds one job.
            let first = try await db.enqueue(TestArgs())
            for try await _ in try await connection.query(JobSQL.claim(queue: "default", limit: 1, workerID: "w", leaseSeconds: 30), logger: db.logger) {}
            let outcome = { (id: Int64) in JobSQL.record(
                workerID: "w", ids: [id], attempts: [1], sequences: [0], states: ["completed"], results: [""], errors: [""], delaysMs: [-1]) }
            for try await _ in try await connection.query(outcome(first), logger: db.logger) {}

            // The table grows to 20,000 jobs, running and finished, without a new ANALYZE.
            try await db.queue.enqueue(try (0..<20_000).map { _ in try NewJob(TestArgs(), queue: "other") })
            try await db.execute("UPDATE jobs SET state = 'completed', finished_at = now() WHERE queue = 'other' AND id % 2 = 0")
            try await db.execute("""
                UPDATE jobs SET state = 'running', attempt = 1, worker_id = 'w', started_at = now(), lease_expires_at = now() + interval '1 minute'
                WHERE queue = 'other' AND state = 'available'
                """)
            let next = try await db.enqueue(TestArgs())
            let claimBuffers = try await buffers(of: JobSQL.claim(queue: "default", limit: 1, workerID: "w", leaseSeconds: 30), on: connection, db)
            #expect(claimBuffers < 100, "the claim touched \(claimBuffers) buffers")
            for try await _ in try await connection.query(JobSQL.claim(queue: "default", limit: 1, workerID: "w", leaseSeconds: 30), logger: db.logger) {}
            let finishBuffers = try await buffers(of: outcome(next), on: connection, db)
            #expect(finishBuffers < 100, "recording an outcome touched \(finishBuffers) buffers")
        }
    }
}

@Suite("Queue depth at scale")
struct QueueDepthTests {
    @Test("depth counts waiting and running jobs exactly and finished ones up to 1,000, estimating above from the statistics, marked as such")
    func boundedDepth() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await db.execute("""
            INSERT INTO jobs (kind, queue, state, finished_at)
            SELECT 'test.job', 'default', 'completed', now() FROM generate_series(1, 25000)
            """)
        try await db.execute("INSERT INTO jobs (kind, queue, state, finished_at) SELECT 'test.job', 'default', 'discarded', now() FROM generate_series(1, 7)")
        for _ in 0..<5 { _ = try await db.enqueue(TestArgs()) }

        // No statistics yet: every queue is looked at, and past the cap the estimate is the cap.
        var depth = try await db.queue.depth()
        func entry(_ state: JobState) -> QueueDepth? { depth.first { $0.queue == "default" && $0.state == state } }
        #expect(entry(.available)?.count == 5 && entry(.available)?.exact == true, "\(depth)")
        #expect(entry(.discarded)?.count == 7 && entry(.discarded)?.exact == true, "\(depth)")
        #expect(entry(.completed)?.exact == false && (entry(.completed)?.count ?? 0) > 1_000, "\(depth)")

        try await db.execute("ANALYZE jobs")
        depth = try await db.queue.depth()
        let completed = try #require(entry(.completed))
        #expect(!completed.exact)
        #expect(abs(completed.count - 25_000) < 2_500, "estimated \(completed.count) of 25,000")
        #expect(entry(.available)?.count == 5 && entry(.available)?.exact == true)

        // The oldest unfinished job of a kind is found from the waiting and running indexes, not
        // by walking 25,000 finished jobs.
        let plan = try await db.plan(of: JobSQL.oldestUnfinished(kind: TestArgs.kind), analyze: true)
        #expect(plan.contains("jobs_claimable") && plan.contains("jobs_running_lease") && !plan.contains("Seq Scan on jobs"), "\(plan)")
        let first = try await db.scalar("SELECT min(id) FROM jobs WHERE state = 'available'", as: Int64.self)
        let oldest = try await db.client.withConnection { try await db.queue.oldestUnfinished(kind: TestArgs.kind, on: $0) }
        #expect(oldest == first)
        let none = try await db.client.withConnection { try await db.queue.oldestUnfinished(kind: "no.such.kind", on: $0) }
        #expect(none == nil)
    }
}
