import DatabaseTestSupport
import Foundation
@testable import JobQueue
import PostgresNIO
import Testing

@Suite("Worker")
struct WorkerTests {
    @Test("a failing job is retried with backoff, then completes; the errors are kept")
    func retriesThenCompletes() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        let id = try await db.enqueue(TestArgs(mode: "fail", failUntil: 2), maxAttempts: 5)
        try await withWorker(db, registry: testRegistry(runs), configuration: testConfiguration()) {
            try await expectEventually { try await db.state(id) == .completed }
        }
        let job = try await db.job(id)
        #expect(job.attempt == 3)
        #expect(runs.attempts(of: id) == [1, 2, 3])
        #expect(job.errors.map(\.attempt) == [1, 2])
        #expect(job.errors.first?.message == "failed on purpose on attempt 1")
        #expect(job.resultJSON?.contains("\"worker\"") == true)
    }

    @Test("an outcome the database refuses (a result with NUL) does not hold back those batched with it; it is recorded with the refusal")
    func refusedOutcomeIsolated() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        var ids: [Int64] = []
        for n in 0..<30 { ids.append(try await db.enqueue(TestArgs(mode: n == 7 ? "nulResult" : "ok", tag: "tag\(n)"))) }
        try await withWorker(db, registry: testRegistry(runs), configuration: testConfiguration(concurrency: 8)) {
            try await expectEventually {
                try await db.scalar("SELECT count(*) FROM jobs WHERE state = 'completed'", as: Int64.self) == 30
            }
        }
        let refused = try await db.job(ids[7])
        #expect(refused.resultJSON?.contains("unstorable_result") == true, "\(refused.resultJSON ?? "")")
        #expect(refused.resultJSON?.contains("Unicode escape") == true, "\(refused.resultJSON ?? "")")
        #expect(try await db.job(ids[8]).resultJSON?.contains("tag8") == true)
    }

    @Test("a job failing every attempt is discarded after max_attempts")
    func discardedAfterMaxAttempts() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        let id = try await db.enqueue(TestArgs(mode: "fail", failUntil: 99), maxAttempts: 3)
        try await withWorker(db, registry: testRegistry(runs), configuration: testConfiguration()) {
            try await expectEventually { try await db.state(id) == .discarded }
        }
        let job = try await db.job(id)
        #expect(job.attempt == 3)
        #expect(job.errors.count == 3)
        #expect(job.finishedAt != nil)
        #expect(runs.attempts(of: id) == [1, 2, 3])
    }

    @Test("a handler can discard now, or ask to be retried after a delay")
    func discardNowAndRetryAfter() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        let discard = try await db.enqueue(TestArgs(mode: "discard"), maxAttempts: 10)
        let later = try await db.enqueue(TestArgs(mode: "retryLater"), maxAttempts: 10)
        try await withWorker(db, registry: testRegistry(runs), configuration: testConfiguration()) {
            try await expectEventually { try await db.state(discard) == .discarded }
            try await expectEventually { try await db.state(later) == .retryable }
        }
        #expect(try await db.job(discard).attempt == 1)
        #expect(try await db.job(discard).errors.first?.message == "not going to get better")
        let retried = try await db.job(later)
        #expect(retried.runAt.timeIntervalSinceNow > 20)
        #expect(retried.errors.first?.message == "rate limited")
    }

    @Test("an unknown kind and undecodable args are discarded with a clear error; the worker goes on")
    func unknownKindAndBadArgs() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        let unknown = try await db.queue.enqueue(NewJob(kind: "no.such.kind")).id
        let badArgs = try await db.queue.enqueue(NewJob(kind: TestArgs.kind, argsJSON: #"{"mode": 42}"#)).id
        let good = try await db.enqueue(TestArgs())
        try await withWorker(db, registry: testRegistry(runs), configuration: testConfiguration()) {
            try await expectEventually { try await db.state(good) == .completed }
            try await expectEventually { try await db.state(unknown) == .discarded }
            try await expectEventually { try await db.state(badArgs) == .discarded }
        }
        #expect(try await db.job(unknown).errors.first?.message == "no handler for job kind 'no.such.kind' on this worker (it runs: test.job)")
        let message = try await db.job(badArgs).errors.first?.message ?? ""
        #expect(message.hasPrefix("cannot decode the args of a 'test.job' job: expected String at 'mode'"), "\(message)")
    }

    @Test("a NOTIFY wakes an idle worker long before its poll interval")
    func notifyWakesIdleWorker() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        var configuration = testConfiguration(pollInterval: .seconds(60))
        let signals = WorkerTestSignals()
        configuration.testSignals = signals
        try await withWorker(db, registry: testRegistry(runs), configuration: configuration) {
            #expect(await signals.caughtUp.wait(untilCount: 1), "the worker never listened and polled")
            let id = try await db.enqueue(TestArgs())
            try await expectEventually(timeout: .seconds(10)) { runs.hasStarted(id) }
        }
    }

    @Test("a dropped listener reconnects and the worker still wakes on NOTIFY")
    func listenerReconnects() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        var configuration = testConfiguration(pollInterval: .seconds(60))
        let signals = WorkerTestSignals()
        configuration.testSignals = signals
        try await withWorker(db, registry: testRegistry(runs), configuration: configuration) {
            let listener: PostgresQuery = """
                SELECT pid FROM pg_stat_activity
                WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()
                """
            try await expectEventually(timeout: .seconds(10)) { try await db.scalar(listener, as: Int32.self) != nil }
            #expect(await signals.caughtUp.wait(untilCount: 1), "the worker never listened and polled")
            let first = try #require(try await db.scalar(listener, as: Int32.self))
            #expect(try await db.scalar("SELECT pg_terminate_backend(\(first))", as: Bool.self) == true)
            // The worker listens again, on a new connection.
            try await expectEventually(timeout: .seconds(10)) {
                let pid = try await db.scalar(listener, as: Int32.self)
                return pid != nil && pid != first
            }
            #expect(await signals.caughtUp.wait(untilCount: 2), "the worker never polled after listening again")
            let id = try await db.enqueue(TestArgs())
            try await expectEventually(timeout: .seconds(10)) { runs.hasStarted(id) }
        }
    }

    @Test("cancelling a waiting job stops it from running; cancelling a running one cancels its task")
    func cancellation() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        let waiting = try await db.queue.enqueue(NewJob(TestArgs(), runAt: Date(timeIntervalSinceNow: 3))).id
        #expect(try await db.queue.cancel(id: waiting) == .cancelled)
        let running = try await db.enqueue(TestArgs(mode: "sleep", sleepMs: 60_000))
        try await withWorker(db, registry: testRegistry(runs), configuration: testConfiguration()) {
            try await expectEventually { runs.hasStarted(running) }
            #expect(try await db.queue.cancel(id: running) == .running)
            try await expectEventually { try await db.state(running) == .cancelled }
            try await Task.sleep(for: .seconds(3.5))  // the waiting job's time has come and gone
        }
        #expect(runs.wasCancelled(running))
        #expect(!runs.hasStarted(waiting))
        #expect(try await db.state(waiting) == .cancelled)
        await #expect(throws: JobQueueError.invalidState(id: waiting, state: "cancelled", operation: "cancel")) {
            try await db.queue.cancel(id: waiting)
        }
    }

    @Test("the worker registers itself while running and removes itself on a clean exit")
    func workerRegistry() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let configuration = testConfiguration()
        try await withWorker(db, registry: testRegistry(Runs()), configuration: configuration) {
            try await expectEventually {
                try await db.scalar("SELECT count(*) FROM workers WHERE id = \(configuration.workerID)", as: Int64.self) == 1
            }
        }
        #expect(try await db.scalar("SELECT count(*) FROM workers", as: Int64.self) == 0)
    }
}
