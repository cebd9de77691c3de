import DatabaseTestSupport
import Foundation
@testable import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Testing

@Suite("Queue controls")
struct QueueControlTests {
    @Test("a paused queue is not claimed from, by any worker, until it is resumed; other queues run on; the pause is listed")
    func pauseAndResume() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        try await db.queue.pause(queue: "slow")
        var slow: [Int64] = []
        for _ in 0..<5 { slow.append(try await db.enqueue(TestArgs(), queue: "slow")) }
        let held = slow
        let other = try await db.enqueue(TestArgs(), queue: "fast")
        var configuration = testConfiguration()
        configuration.queues = ["slow", "fast"]
        try await withWorker(db, registry: testRegistry(runs), configuration: configuration) {
            try await expectEventually { try await db.state(other) == .completed }
            try await Task.sleep(for: .milliseconds(600))
            for id in held { #expect(try await db.state(id) == .available) }
            let listed = try await db.queue.queues()
            #expect(listed.first { $0.name == "slow" }?.isPaused == true)
            #expect(listed.first { $0.name == "slow" }?.waiting == 5)
            #expect(listed.first { $0.name == "fast" }?.isPaused == false)

            try await db.queue.resume(queue: "slow")
            try await expectEventually {
                try await db.scalar("SELECT count(*) FROM jobs WHERE queue = 'slow' AND state = 'completed'", as: Int64.self) == 5
            }
            // Paused while the worker runs: what is enqueued after waits.
            try await db.queue.pause(queue: "slow")
            let late = try await db.enqueue(TestArgs(), queue: "slow")
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await db.state(late) == .available)
        }
        #expect(try await db.queue.queues().first { $0.name == "slow" }?.isPaused == true)
        await #expect(throws: JobQueueError.self) { try await db.queue.pause(queue: "") }
    }

    @Test("a snoozed job runs again later without using an attempt, and nothing goes into its errors")
    func snooze() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        let id = try await db.enqueue(TestArgs(mode: "snooze", failUntil: 2), maxAttempts: 1)
        try await withWorker(db, registry: testRegistry(runs), configuration: testConfiguration()) {
            try await expectEventually { try await db.state(id) == .completed }
        }
        let job = try await db.job(id)
        #expect(runs.attempts(of: id) == [1, 1, 1])
        #expect(job.attempt == 1)
        #expect(job.errors.isEmpty)
        #expect(try await db.scalar("SELECT snoozes FROM jobs WHERE id = \(id)", as: Int32.self) == 2)
    }

    @Test("a kind's retry policy caps its attempts below the job's own and sets its backoff")
    func retryPolicy() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        var registry = testRegistry(runs)
        registry.setRetryPolicy(
            JobRetryPolicy(maxAttempts: 2, backoff: JobBackoff(base: .milliseconds(5), cap: .milliseconds(5))), for: TestArgs.kind)
        let id = try await db.enqueue(TestArgs(mode: "fail", failUntil: 10), maxAttempts: 20)
        try await withWorker(db, registry: registry, configuration: testConfiguration()) {
            try await expectEventually { try await db.state(id) == .discarded }
        }
        #expect(runs.attempts(of: id) == [1, 2])
    }
}
