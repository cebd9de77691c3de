import PostgresResilience
import DatabaseTestSupport
import Foundation
@testable import JobQueue
import PostgresNIO
import Testing

@Suite("Leases and maintenance")
struct MaintenanceTests {
    /// Claims one job as `worker` the way a worker does.
    private func claim(_ db: TestDatabase, as worker: String, lease: Double) async throws -> (id: Int64, attempt: Int32) {
        let rows = try await db.client.query(JobSQL.claim(queue: "default", limit: 1, workerID: worker, leaseSeconds: lease), logger: db.logger)
            .decode((Int64, String, String, String, Int32, Int32, String?, Int32, Int32).self)
        for try await (id, _, _, _, attempt, _, _, _, _) in rows { return (id, attempt) }
        throw JobQueueError.jobNotFound(0)
    }

    /// Records an outcome as `worker` the way its completer does, for an attempt that saw
    /// `checkpoints` checkpoints; returns the ids accepted.
    private func finish(
        _ db: TestDatabase, as worker: String, id: Int64, attempt: Int32, result: String, checkpoints: Int32 = 0
    ) async throws -> [Int64] {
        let query = JobSQL.record(
            workerID: worker, ids: [id], attempts: [attempt], sequences: [checkpoints], states: ["completed"],
            results: [result], errors: [""], delaysMs: [-1])
        var accepted: [Int64] = []
        for try await (id, lost) in try await db.client.query(query, logger: db.logger).decode((Int64, Bool).self) where !lost {
            accepted.append(id)
        }
        return accepted
    }

    @Test("an outcome whose attempt saw a checkpoint the database lost is not recorded: the job resumes at once, its attempt not counted")
    func lostCheckpointResumes() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let id = try await db.enqueue(TestArgs())
        let claimed = try await claim(db, as: "worker-a", lease: 30)
        // The attempt saved two checkpoints; a crash-restart lost the second one's transaction.
        try await db.client.query("UPDATE jobs SET checkpoint_seq = 1, progress = '{\"page\": 1}' WHERE id = \(id)", logger: db.logger)
        #expect(try await finish(db, as: "worker-a", id: id, attempt: claimed.attempt, result: "{}", checkpoints: 2).isEmpty)
        let resumed = try await db.job(id)
        #expect(resumed.state == .available)
        #expect(resumed.attempt == 0)
        #expect(resumed.progressJSON == #"{"page": 1}"#)
        #expect(resumed.errors.last?.message.contains("lost part of this attempt's work") == true)
        // Claimed again, the attempt that saw the checkpoint that survived completes.
        let again = try await claim(db, as: "worker-b", lease: 30)
        #expect(try await finish(db, as: "worker-b", id: id, attempt: again.attempt, result: "{}", checkpoints: 1) == [id])
        #expect(try await db.job(id).state == .completed)
    }

    @Test("an expired lease is rescued, and the old holder's late completion cannot overwrite the new result")
    func rescueAndFence() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let id = try await db.enqueue(TestArgs())
        let first = try await claim(db, as: "worker-a", lease: 0.2)
        #expect(first == (id, 1))
        try await Task.sleep(for: .milliseconds(400))

        let rescuer = LeaseRescuer(client: db.client, logger: db.logger)
        #expect(try await rescuer.rescueOnce() == 1)
        let rescued = try await db.job(id)
        #expect(rescued.state == .retryable)
        #expect(rescued.errors.last?.message == "lease expired: worker worker-a stopped heartbeating")

        let second = try await claim(db, as: "worker-b", lease: 30)
        #expect(second == (id, 2))
        #expect(try await finish(db, as: "worker-b", id: id, attempt: 2, result: #"{"by": "b"}"#) == [id])
        #expect(try await finish(db, as: "worker-a", id: id, attempt: 1, result: #"{"by": "a"}"#) == [])
        let done = try await db.job(id)
        #expect(done.state == .completed)
        #expect(done.resultJSON == #"{"by": "b"}"#)
    }

    @Test("a rescued job that is out of attempts is discarded")
    func rescueOutOfAttempts() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let id = try await db.enqueue(TestArgs(), maxAttempts: 1)
        _ = try await claim(db, as: "worker-a", lease: 0.1)
        try await Task.sleep(for: .milliseconds(300))
        try await LeaseRescuer(client: db.client, logger: db.logger).rescueOnce()
        #expect(try await db.state(id) == .discarded)
    }

    @Test("a running job's lease is extended by the heartbeat")
    func heartbeatExtendsLease() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        let id = try await db.enqueue(TestArgs(mode: "sleep", sleepMs: 60_000))
        // A rescuer runs beside the worker: a lease the heartbeat did not extend would lapse and
        // the job be rescued, failing its attempt. A beat comes every second; one may be two
        // seconds late before the 3 s lease lapses.
        var configuration = testConfiguration(lease: .seconds(3))
        let signals = WorkerTestSignals()
        configuration.testSignals = signals
        let worker = JobWorker(client: db.client, registry: testRegistry(runs), configuration: configuration, logger: db.logger)
        let rescuer = LeaseRescuer(client: db.client, interval: .milliseconds(100), logger: db.logger)
        let lease: PostgresQuery = "SELECT lease_expires_at FROM jobs WHERE id = \(id)"
        try await withServicesRunning([worker, rescuer], logger: db.logger) {
            try await expectEventually { runs.hasStarted(id) }
            let first = try #require(try await db.scalar(lease, as: Date.self))
            // Four beats, a third of a lease apart: the job outlives the lease it was claimed with.
            #expect(await signals.leasesExtended.wait(untilCount: 4), "the heartbeat never extended the lease")
            let extended = try #require(try await db.scalar(lease, as: Date.self))
            #expect(extended > first)
            #expect(try await db.state(id) == .running)
            #expect(try await db.queue.cancel(id: id) == .running)
            try await expectEventually { try await db.state(id) == .cancelled }
        }
        // Never rescued: one attempt, no lease error.
        let job = try await db.job(id)
        #expect(job.attempt == 1)
        #expect(!job.errors.contains { $0.message.contains("lease") }, "\(job.errors)")
    }

    @Test("finished jobs are pruned after their retention; younger ones and waiting ones stay")
    func pruning() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let old = try await db.enqueue(TestArgs())
        let recent = try await db.enqueue(TestArgs())
        let waiting = try await db.enqueue(TestArgs())
        try await db.execute("UPDATE jobs SET state = 'completed', finished_at = now() - interval '2 days' WHERE id = \(old)")
        try await db.execute("UPDATE jobs SET state = 'completed', finished_at = now() - interval '1 hour' WHERE id = \(recent)")
        let pruner = JobPruner(client: db.client, retention: RetentionPolicy(completed: .seconds(86_400)), logger: db.logger)
        #expect(try await pruner.pruneOnce() == 1)
        #expect(try await db.queue.job(id: old) == nil)
        #expect(try await db.queue.job(id: recent) != nil)
        #expect(try await db.queue.job(id: waiting) != nil)
    }

    @Test("a backlog larger than one pruning round is worked off in rounds that follow at once, not one round per interval")
    func pruningBacklog() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await db.queue.enqueue(try (0..<20).map { _ in try NewJob(TestArgs()) })
        try await db.execute("UPDATE jobs SET state = 'completed', finished_at = now() - interval '2 days'")
        let pruner = JobPruner(
            client: db.client, retention: RetentionPolicy(completed: .seconds(86_400)), interval: .seconds(3600),
            batchSize: 2, roundBudget: .zero, logger: db.logger)
        try await withServicesRunning([pruner], logger: db.logger) {
            try await expectEventually(timeout: .seconds(10)) { try await db.scalar("SELECT count(*) FROM jobs", as: Int64.self) == 0 }
        }
    }

    @Test("SIGTERM-style shutdown releases a job that outlives the grace period, without burning its attempt")
    func shutdownReleases() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        let id = try await db.enqueue(TestArgs(mode: "sleep", sleepMs: 60_000))
        try await withWorker(db, registry: testRegistry(runs), configuration: testConfiguration(grace: .milliseconds(300))) {
            try await expectEventually { runs.hasStarted(id) }
        }
        let job = try await db.job(id)
        #expect(job.state == .available)
        #expect(job.attempt == 0)
        #expect(job.workerID == nil)
        #expect(runs.wasCancelled(id))
    }
}
