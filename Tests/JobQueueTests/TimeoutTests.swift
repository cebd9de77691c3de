import DatabaseTestSupport
import Foundation
@testable import JobQueue
import PostgresNIO
import Testing

@Suite("Every wait is bounded")
struct TimeoutTests {
    @Test("a job past its kind's timeout is cancelled and fails as timed out; a job's own timeout overrides its kind's")
    func timeouts() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        let byKind = try await db.enqueue(TestArgs(mode: "sleep", sleepMs: 60_000), maxAttempts: 1)
        let quick = try await db.enqueue(TestArgs(mode: "sleep", sleepMs: 50), maxAttempts: 1)
        try await withWorker(db, registry: testRegistry(runs, timeout: .milliseconds(400)), configuration: testConfiguration()) {
            try await expectEventually { try await db.state(byKind) == .discarded }
            try await expectEventually { try await db.state(quick) == .completed }
        }
        #expect(runs.wasCancelled(byKind))
        #expect(try await db.job(byKind).errors.last?.message == "the 'test.job' job ran past its 0.4 seconds timeout and was stopped")

        let own = try await db.queue.enqueue(NewJob(TestArgs(mode: "sleep", sleepMs: 60_000), maxAttempts: 1, timeout: .milliseconds(300))).id
        let started = ContinuousClock.now
        try await withWorker(db, registry: testRegistry(runs, timeout: .seconds(3600)), configuration: testConfiguration()) {
            try await expectEventually { try await db.state(own) == .discarded }
        }
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(runs.wasCancelled(own))
        #expect(try await db.job(own).errors.last?.message.contains("0.3 seconds timeout") == true)
        await #expect(throws: JobQueueError.self) {
            try await db.queue.enqueue(NewJob(TestArgs(), timeout: .zero))
        }
        // 'infinity' passes the column's CHECK: the worker falls back to the kind's timeout instead of trapping.
        let endless = try await db.enqueue(TestArgs(mode: "sleep", sleepMs: 10))
        try await db.execute("UPDATE jobs SET timeout_seconds = 'infinity' WHERE id = \(endless)")
        try await withWorker(db, registry: testRegistry(runs), configuration: testConfiguration()) {
            try await expectEventually { try await db.state(endless) == .completed }
        }
    }

    @Test("a worker whose heartbeat cannot get through for a whole lease stops its jobs instead of finishing work it no longer owns")
    func heartbeatLossStopsJobs() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        let id = try await db.enqueue(TestArgs(mode: "sleep", sleepMs: 60_000))
        try await withWorker(db, registry: testRegistry(runs), configuration: testConfiguration(lease: .seconds(2))) {
            try await expectEventually { runs.hasStarted(id) }
            // Heartbeats update `workers` first: while it is locked, none gets through.
            try await db.client.withConnection { connection in
                try await connection.query("BEGIN", logger: db.logger)
                try await connection.query("LOCK TABLE workers IN ACCESS EXCLUSIVE MODE", logger: db.logger)
                let stopped = try await eventually(timeout: .seconds(8)) { runs.wasCancelled(id) }
                try await connection.query("COMMIT", logger: db.logger)
                #expect(stopped)
            }
        }
    }
}
