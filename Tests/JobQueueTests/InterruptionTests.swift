import DatabaseTestSupport
import Foundation
@testable import JobQueue
import PostgresNIO
import PostgresResilience
import Synchronization
import Testing

/// Arguments of the handlers that meet the database's interruptions.
struct InterruptedArgs: JobArgs {
    static let kind = "test.interrupted"
    /// "checkpoint": saves two checkpoints, and on its first run loses the first one in between;
    /// "mark": marks its work, and on its first run loses the mark before returning;
    /// "connection": fails with a lost connection on its first run;
    /// "always": fails with a lost connection on every run;
    /// "hang": on its first run waits forever, deaf to cancellation.
    var mode: String
}

/// Each run of the handler: its attempt, and the checkpoint it saw.
final class RunLog: Sendable {
    let runs = Mutex<[(attempt: Int32, step: Int?)]>([])
}

/// What the checkpoint handler saves.
struct Step: Codable {
    var step: Int
}

@Suite("Interruptions by the database", .serialized)
struct InterruptionTests {
    /// A registry running `InterruptedArgs`, recording (attempt, checkpoint seen) per run.
    private func registry(_ db: TestDatabase, log: RunLog, timeout: Duration = .seconds(60)) -> JobRegistry {
        var registry = JobRegistry()
        registry.register(InterruptedArgs.self, timeout: timeout) { args, context in
            let seen = try context.progress(as: Step.self)?.step
            let first = log.runs.withLock { runs in
                runs.append((context.attempt, seen))
                return runs.count == 1
            }
            // What a crash-restart does to a transaction that committed without its WAL flush.
            let lose = { try await db.execute("UPDATE jobs SET checkpoint_seq = checkpoint_seq - 1, progress = NULL WHERE id = \(context.jobID)") }
            switch args.mode {
            case "checkpoint":
                try await db.client.transaction(logger: db.logger) { try await context.saveProgress(Step(step: 1), on: $0) }
                if first { try await lose() }
                try await db.client.transaction(logger: db.logger) { try await context.saveProgress(Step(step: 2), on: $0) }
            case "mark":
                try await db.client.transaction(logger: db.logger) { try await context.markProgress(on: $0) }
                if first { try await lose() }
            case "connection" where first:
                throw PostgresConnectionGone()
            case "always":
                throw PostgresConnectionGone()
            case "hang" where first:
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
            default:
                break
            }
        }
        return registry
    }

    private func run(mode: String, timeout: Duration = .seconds(60)) async throws -> (job: JobRecord, runs: [(attempt: Int32, step: Int?)]) {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let log = RunLog()
        let id = try await db.queue.enqueue(NewJob(InterruptedArgs(mode: mode), maxAttempts: 3)).id
        try await withWorker(db, registry: registry(db, log: log, timeout: timeout), configuration: testConfiguration()) {
            try await expectEventually(timeout: .seconds(20)) { try await db.state(id) == .completed }
        }
        return (try await db.job(id), log.runs.withLock { $0 })
    }

    @Test("a checkpoint lost in a crash stops the attempt, which resumes from the checkpoint that survived, its attempt not counted")
    func lostCheckpoint() async throws {
        let (job, runs) = try await run(mode: "checkpoint")
        #expect(runs.map(\.attempt) == [1, 1])
        #expect(runs.last?.step == nil, "resumed from what survived, not from what was lost")
        #expect(job.attempt == 1)
        #expect(job.progressJSON == #"{"step": 2}"#)
        #expect(job.errors.count == 1)
        #expect(job.errors.first?.message.contains("a database crash lost part of this attempt's work") == true, "\(job.errors)")
    }

    @Test("work marked and then lost is not recorded as done: the job runs again")
    func lostMark() async throws {
        let (job, runs) = try await run(mode: "mark")
        #expect(runs.map(\.attempt) == [1, 1])
        #expect(job.attempt == 1)
        #expect(job.errors.first?.message.contains("lost part of this attempt's work") == true, "\(job.errors)")
    }

    @Test("a lost database connection is not the job's failure: it resumes at once, without backoff or a counted attempt")
    func lostConnection() async throws {
        let (job, runs) = try await run(mode: "connection")
        #expect(runs.map(\.attempt) == [1, 1])
        #expect(job.attempt == 1)
        #expect(job.errors.first?.message == "interrupted by the database: database: the server closed the connection", "\(job.errors)")
    }

    @Test("a job whose own work keeps breaking its connection is resumed only so often: then the interruption counts as the attempt's failure")
    func resumesAreBounded() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let log = RunLog()
        let id = try await db.queue.enqueue(NewJob(InterruptedArgs(mode: "always"), maxAttempts: 2)).id
        try await withWorker(db, registry: registry(db, log: log), configuration: testConfiguration()) {
            try await expectEventually(timeout: .seconds(30)) { try await db.state(id) == .discarded }
        }
        let attempts = log.runs.withLock { $0.map(\.attempt) }
        let perAttempt = Int(JobExecutor.maxResumes) + 1
        #expect(attempts == Array(repeating: 1, count: perAttempt) + Array(repeating: 2, count: perAttempt))
        #expect(try await db.job(id).attempt == 2)
    }

    @Test("a handler that hangs, deaf to cancellation, is given up at its kind's timeout and retried")
    func hungHandler() async throws {
        let (job, runs) = try await run(mode: "hang", timeout: .milliseconds(500))
        #expect(runs.map(\.attempt) == [1, 2])
        #expect(job.attempt == 2)
        #expect(job.errors.first?.message == "the 'test.interrupted' job ran past its 0.5 seconds timeout and was stopped", "\(job.errors)")
    }

    @Test("a handler deaf to cancellation holds up neither an operator's cancel nor shutdown: its job is cancelled, or released at the grace period's end, at once")
    func hungHandlerStopped() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let log = RunLog()
        let cancelled = try await db.queue.enqueue(NewJob(InterruptedArgs(mode: "hang"), maxAttempts: 3)).id
        let stopping = Mutex(ContinuousClock.now)
        let releasedID = Mutex<Int64>(0)
        try await withWorker(db, registry: registry(db, log: log), configuration: testConfiguration(grace: .milliseconds(300))) {
            try await expectEventually { try await db.state(cancelled) == .running }
            #expect(try await db.queue.cancel(id: cancelled) == .running)
            try await expectEventually(timeout: .seconds(5)) { try await db.state(cancelled) == .cancelled }
            // The log's second run is not deaf: a hang is its first run only. A new job hangs again.
            log.runs.withLock { $0.removeAll() }
            let released = try await db.queue.enqueue(NewJob(InterruptedArgs(mode: "hang"), maxAttempts: 3)).id
            try await expectEventually { try await db.state(released) == .running }
            releasedID.withLock { $0 = released }
            stopping.withLock { $0 = .now }
        }
        #expect(ContinuousClock.now - stopping.withLock { $0 } < .seconds(4), "shutdown waited for a handler deaf to cancellation")
        let released = try await db.job(releasedID.withLock { $0 })
        #expect(released.state == .available)
        #expect(released.attempt == 0)
    }
}
