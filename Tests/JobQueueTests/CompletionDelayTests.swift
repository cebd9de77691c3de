import DatabaseTestSupport
import Foundation
import Synchronization
@testable import JobQueue
import Testing

@Suite("Completion delay")
struct CompletionDelayTests {
    @Test("outcomes that finish within the completion delay are recorded by one statement (one transaction, one finished_at); with none, each as it comes")
    func outcomesWaitForEachOther() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        for (delay, together) in [(Duration.seconds(3), true), (.zero, false)] {
            let runs = Runs()
            // Claimed together, they finish 0, 150 and 300 ms apart.
            var enqueued: [Int64] = []
            for sleep in [0, 150, 300] { enqueued.append(try await db.enqueue(TestArgs(mode: "sleep", sleepMs: sleep))) }
            let ids = enqueued
            var configuration = testConfiguration(lease: .seconds(20))
            configuration.completionDelay = delay
            try await withWorker(db, registry: testRegistry(runs), configuration: configuration) {
                try await expectEventually {
                    try await db.scalar("SELECT count(*) FROM jobs WHERE id = ANY(\(ids)) AND state = 'completed'", as: Int64.self) == 3
                }
            }
            var finished = Set<Date>()
            for id in ids { finished.insert(try #require(try await db.job(id).finishedAt)) }
            #expect((finished.count == 1) == together, "delay \(delay): finished at \(finished.sorted())")
        }
    }

    @Test("shutdown records waiting outcomes at once, without waiting out the delay")
    func shutdownFlushesAtOnce() async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let runs = Runs()
        let id = try await db.enqueue(TestArgs())
        var configuration = testConfiguration(lease: .seconds(60))
        configuration.completionDelay = .seconds(19)
        let stopping = Mutex(ContinuousClock.now)
        try await withWorker(db, registry: testRegistry(runs), configuration: configuration) {
            try await expectEventually { runs.attempts(of: id) == [1] }
            // Finished, its outcome waits for company: not recorded yet.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await db.state(id) == .running)
            stopping.withLock { $0 = .now }
        }
        #expect(ContinuousClock.now - stopping.withLock { $0 } < .seconds(10), "shutdown waited out the completion delay")
        #expect(try await db.state(id) == .completed)
    }
}
