import DatabaseTestSupport
import Foundation
@testable import JobQueue
import PostgresNIO
import Testing
import Tracing

@Suite("Enqueue")
struct EnqueueTests {
    @Test("without a bootstrapped tracer no trace context is stored, inside a service context or not")
    func noTracerNoTraceContext() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        #expect(!JobSpans.isTracing)
        let one = try await ServiceContext.$current.withValue(.topLevel) { try await db.queue.enqueue(NewJob(TestArgs(tag: "one"))) }
        _ = try await ServiceContext.$current.withValue(.topLevel) {
            try await db.queue.enqueue([try NewJob(TestArgs(tag: "a")), try NewJob(TestArgs(tag: "b"))])
        }
        _ = try await db.queue.enqueue(NewJob(TestArgs(tag: "untraced")))
        #expect(try await db.scalar("SELECT count(*) FROM jobs WHERE trace_context IS NOT NULL", as: Int64.self) == 0)
        #expect(try await db.job(one.id).traceContext.isEmpty)
    }

    @Test("a batch is inserted in one statement and returned in order")
    func batchInOrder() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let jobs = try (0..<500).map { try NewJob(TestArgs(tag: "\($0)"), priority: Int16($0 % 3)) }
        let enqueued = try await db.queue.enqueue(jobs)
        #expect(enqueued.count == 500)
        #expect(enqueued.allSatisfy { $0.inserted })
        for index in [0, 123, 499] {
            let record = try await db.job(enqueued[index].id)
            let args = try JSONDecoder().decode(TestArgs.self, from: Data(record.argsJSON.utf8))
            #expect(args.tag == "\(index)")
            #expect(record.state == .available)
            #expect(record.attempt == 0)
        }
    }

    @Test("a unique key held by an unfinished job inserts nothing, also under concurrent enqueues")
    func uniqueKeyUnderConcurrency() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let queue = db.queue
        let results = try await withThrowingTaskGroup(of: EnqueuedJob.self) { group in
            for _ in 0..<20 {
                group.addTask { try await queue.enqueue(NewJob(TestArgs(), uniqueKey: "fetch-slot-1")) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { $0.inserted }.count == 1)
        #expect(Set(results.map(\.id)).count == 1)
        #expect(try await db.scalar("SELECT count(*) FROM jobs", as: Int64.self) == 1)

        // Once that job has finished, the key is free again.
        let cancelled = try await queue.cancel(id: results[0].id)
        #expect(cancelled == .cancelled)
        let again = try await queue.enqueue(NewJob(TestArgs(), uniqueKey: "fetch-slot-1"))
        #expect(again.inserted && again.id != results[0].id)
    }

    @Test("a batch mixing keyed and unkeyed jobs: each gets its own id, or the holder of its key, in input order")
    func batchWithUniqueKeys() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let held = try await db.queue.enqueue(NewJob(TestArgs(tag: "held"), uniqueKey: "held"))
        let batch = try [("held", "held"), (nil, "free-1"), ("a", "a-1"), (nil, "free-2"), ("a", "a-2"), ("b", "b")].map { key, tag in
            try NewJob(TestArgs(tag: tag), uniqueKey: key)
        }
        let enqueued = try await db.queue.enqueue(batch)
        #expect(enqueued.map(\.inserted) == [false, true, true, true, false, true])
        #expect(enqueued[0].id == held.id, "a key held before: its holder")
        #expect(enqueued[4].id == enqueued[2].id, "a key twice in the batch: the first one holds it")
        #expect(Set(enqueued.map(\.id)).count == 5)
        for (index, tag) in [(1, "free-1"), (2, "a-1"), (3, "free-2"), (5, "b")] {
            let args = try JSONDecoder().decode(TestArgs.self, from: Data(try await db.job(enqueued[index].id).argsJSON.utf8))
            #expect(args.tag == tag, "job \(index) got the right row")
        }
        #expect(try await db.scalar("SELECT count(*) FROM jobs", as: Int64.self) == 5)
    }

    @Test("a job enqueued in a rolled-back transaction does not exist")
    func transactionalEnqueue() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let queue = db.queue
        struct Rollback: Error {}
        await #expect(throws: (any Error).self) {
            try await db.client.withTransaction(logger: db.logger) { connection in
                try await queue.enqueue([NewJob(TestArgs(tag: "rolled back"))], on: connection)
                throw Rollback()
            }
        }
        #expect(try await db.scalar("SELECT count(*) FROM jobs", as: Int64.self) == 0)
        let committed = try await db.client.withTransaction(logger: db.logger) { connection in
            try await queue.enqueue([NewJob(TestArgs(tag: "committed"))], on: connection)
        }
        #expect(try await db.state(committed[0].id) == .available)
    }

    @Test("bad jobs are refused with a message naming the field")
    func invalidJobs() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        await #expect(throws: JobQueueError.invalidJob("max_attempts must be at least 1, got 0")) {
            try await db.queue.enqueue(NewJob(kind: "x", maxAttempts: 0))
        }
        await #expect(throws: JobQueueError.invalidJob("kind must not be empty")) {
            try await db.queue.enqueue(NewJob(kind: ""))
        }
        #expect(try await db.scalar("SELECT count(*) FROM jobs", as: Int64.self) == 0)
    }

    @Test("the claim function's kept plan uses the partial index and the primary key after ANALYZE of an empty table and of a filled one, and claims in priority order")
    func claimPlanAndOrder() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await db.execute("ANALYZE jobs")
        var jobs = try (0..<20_000).map { try NewJob(TestArgs(), priority: 5, runAt: Date(timeIntervalSinceNow: -Double($0 % 100))) }
        jobs.append(try NewJob(TestArgs(tag: "urgent"), priority: 1))
        try await db.queue.enqueue(jobs)
        try await db.execute("UPDATE jobs SET state = 'completed', finished_at = now() WHERE id % 2 = 0 AND args->>'tag' = ''")

        // The statement of the claim function, with the settings it runs with, in the generic
        // plan it keeps (which cannot know how many jobs the LIMIT takes, and assumes a tenth of
        // the table).
        let claim = try await db.statement(of: "job_queue_claim", boundAs: JobSQL.claim(queue: "default", limit: 50, workerID: "w", leaseSeconds: 30))
        for analyzed in ["empty", "filled"] {
            if analyzed == "filled" { try await db.execute("ANALYZE jobs") }
            let plan = try await db.plan(of: claim.query, generic: true, settings: claim.settings)
            #expect(plan.contains("jobs_claimable") && plan.contains("jobs_pkey"), "after ANALYZE of the \(analyzed) table:\n\(plan)")
            #expect(!plan.contains("Seq Scan"), "after ANALYZE of the \(analyzed) table:\n\(plan)")
        }

        let first = try await db.client.query(JobSQL.claim(queue: "default", limit: 3, workerID: "w", leaseSeconds: 30), logger: db.logger)
            .decode((Int64, String, String, String, Int32, Int32, String?).self)
        var claimed: [String] = []
        for try await (_, _, _, args, attempt, _, _) in first {
            #expect(attempt == 1)
            claimed.append(args)
        }
        #expect(claimed.count == 3)
        #expect(claimed.filter { $0.contains("urgent") }.count == 1)
    }

    @Test("the claim commits without waiting for its WAL flush, and only its own transaction does")
    func claimCommitsAsynchronously() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await db.enqueue(TestArgs())
        try await db.client.withConnection { connection in
            func setting() async throws -> String {
                for try await value in try await connection.query("SELECT current_setting('synchronous_commit')", logger: db.logger).decode(String.self) {
                    return value
                }
                return ""
            }
            #expect(try await setting() == "on")
            try await connection.query("BEGIN", logger: db.logger)
            var claimed = 0
            for try await _ in try await connection.query(JobSQL.claim(queue: "default", limit: 1, workerID: "w", leaseSeconds: 30), logger: db.logger) {
                claimed += 1
            }
            #expect(claimed == 1)
            #expect(try await setting() == "off", "the claim's transaction commits asynchronously")
            try await connection.query("COMMIT", logger: db.logger)
            #expect(try await setting() == "on", "the next transaction commits synchronously again")
        }
    }

    @Test("retry makes a discarded job available again with one more attempt; a waiting one cannot be retried")
    func retryDiscarded() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let id = try await db.enqueue(TestArgs(), maxAttempts: 1)
        try await db.execute("UPDATE jobs SET state = 'discarded', attempt = 1, finished_at = now() WHERE id = \(id)")
        try await db.queue.retry(id: id)
        let job = try await db.job(id)
        #expect(job.state == .available)
        #expect(job.maxAttempts == 2)
        #expect(job.finishedAt == nil)
        await #expect(throws: JobQueueError.invalidState(id: id, state: "available", operation: "retry")) {
            try await db.queue.retry(id: id)
        }
    }
}
