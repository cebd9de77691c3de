import PostgresResilience
import DatabaseTestSupport
import Foundation
@testable import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Testing

/// Hooks that record each end in a table of their own, on the connection they are given.
private func recordingHooks(failFirst: Bool = false) -> JobHooks {
    let failed = Atomic<Bool>(!failFirst)
    var hooks = JobHooks()
    hooks.onEnd(of: TestArgs.kind) { end, connection in
        try await connection.query(
            "INSERT INTO ended (job_id, state, attempt) VALUES (\(end.id), \(end.state.rawValue), \(end.attempt))",
            logger: Logger(label: "test"))
        if !failed.exchange(true, ordering: .relaxed) { throw TestFailure(attempt: end.attempt) }
    }
    return hooks
}

private func endedTable(_ db: TestDatabase) async throws {
    try await db.execute("CREATE TABLE ended (job_id bigint, state text, attempt int)")
}

@Suite("Job lifecycle hooks")
struct HookTests {
    @Test("a worker's outcomes run the kind's hooks in their own transaction: a hook that fails rolls the outcome back, and it is recorded once when tried again")
    func workerOutcomes() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await endedTable(db)
        let runs = Runs()
        var registry = testRegistry(runs)
        registry.hooks = recordingHooks(failFirst: true)
        let done = try await db.enqueue(TestArgs())
        let failing = try await db.enqueue(TestArgs(mode: "discard"))
        let retried = try await db.enqueue(TestArgs(mode: "fail", failUntil: 1), maxAttempts: 3)
        try await withWorker(db, registry: registry, configuration: testConfiguration()) {
            try await expectEventually { try await db.state(done) == .completed }
            try await expectEventually { try await db.state(failing) == .discarded }
            try await expectEventually { try await db.state(retried) == .completed }
        }
        var rows: [String] = []
        for try await (id, state, attempt) in try await db.client.query(
            "SELECT job_id, state, attempt FROM ended ORDER BY job_id, attempt", logger: db.logger).decode((Int64, String, Int32).self)
        {
            rows.append("\(id):\(state):\(attempt)")
        }
        #expect(rows == ["\(done):completed:1", "\(failing):discarded:1", "\(retried):retryable:1", "\(retried):completed:2"])
    }

    @Test("a hook that keeps failing for one job holds back neither the other outcomes nor the other rescues")
    func failingHookIsolated() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await endedTable(db)
        let poison = try await db.enqueue(TestArgs(tag: "poison"))
        var hooks = JobHooks()
        hooks.onEnd(of: TestArgs.kind) { end, connection in
            if end.id == poison { throw TestFailure(attempt: end.attempt) }
            try await connection.query("INSERT INTO ended (job_id, state, attempt) VALUES (\(end.id), \(end.state.rawValue), \(end.attempt))", logger: Logger(label: "test"))
        }
        var ids: [Int64] = []
        for n in 0..<20 { ids.append(try await db.enqueue(TestArgs(tag: "job\(n)"))) }
        var registry = testRegistry(Runs())
        registry.hooks = hooks
        try await withWorker(db, registry: registry, configuration: testConfiguration(concurrency: 8, grace: .seconds(1))) {
            try await expectEventually {
                try await db.scalar("SELECT count(*) FROM jobs WHERE state = 'completed'", as: Int64.self) == 20
            }
        }
        #expect(try await db.scalar("SELECT count(*) FROM ended", as: Int64.self) == 20)
        #expect(try await db.state(poison) != .completed)

        // Expired leases, the poisoned job's among them, oldest first.
        try await db.execute("""
            UPDATE jobs SET state = 'running', attempt = 1, worker_id = 'gone', finished_at = NULL,
                   lease_expires_at = now() - interval '1 minute' + make_interval(secs => id)
            WHERE id = \(poison) OR id = ANY(\(Array(ids.prefix(5)))::int8[])
            """)
        #expect(try await LeaseRescuer(client: db.client, hooks: hooks, logger: db.logger).rescueOnce() == 5)
        #expect(try await db.state(poison) == .running)
        #expect(try await db.scalar("SELECT count(*) FROM ended WHERE state = 'retryable'", as: Int64.self) == 5)
    }

    @Test("a rescue and a cancel run the hooks in their transactions")
    func rescueAndCancel() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        try await endedTable(db)
        let hooks = recordingHooks()
        let expiring = try await db.enqueue(TestArgs(), maxAttempts: 1)
        try await db.execute("""
            UPDATE jobs SET state = 'running', attempt = 1, worker_id = 'gone', lease_expires_at = now() - interval '1 second'
            WHERE id = \(expiring)
            """)
        #expect(try await LeaseRescuer(client: db.client, hooks: hooks, logger: db.logger).rescueOnce() == 1)
        let waiting = try await db.enqueue(TestArgs())
        #expect(try await JobQueue(client: db.client, hooks: hooks, logger: db.logger).cancel(id: waiting) == .cancelled)
        #expect(try await db.scalar("SELECT state FROM ended WHERE job_id = \(expiring)", as: String.self) == "discarded")
        #expect(try await db.scalar("SELECT state FROM ended WHERE job_id = \(waiting)", as: String.self) == "cancelled")
        #expect(try await db.scalar("SELECT count(*) FROM ended", as: Int64.self) == 2)
    }

    @Test("the maintainer rescues expired leases and runs the application's duties only while it leads")
    func maintainer() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        final class Counter: Sendable { let rounds = Atomic<Int>(0) }
        let counter = Counter()
        struct Duty: Service {
            let counter: Counter
            func run() async throws {
                while !Task.isCancelled {
                    counter.rounds.add(1, ordering: .relaxed)
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
        }
        let expired = try await db.enqueue(TestArgs())
        try await db.execute("""
            UPDATE jobs SET state = 'running', attempt = 1, worker_id = 'gone', lease_expires_at = now() - interval '1 second'
            WHERE id = \(expired)
            """)
        let configuration = QueueMaintainer.Configuration(leaseDuration: .seconds(2), rescueInterval: .milliseconds(100))
        let first = QueueMaintainer(client: db.client, configuration: configuration, duties: [Duty(counter: counter)], logger: db.logger)
        let second = QueueMaintainer(client: db.client, configuration: configuration, duties: [Duty(counter: counter)], logger: db.logger)
        try await withServicesRunning([first, second], logger: db.logger) {
            try await expectEventually { try await db.state(expired) == .retryable }
            try await expectEventually { counter.rounds.load(ordering: .relaxed) > 3 }
            #expect(first.elector.isLeader != second.elector.isLeader)
        }
    }
}
