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

    @Test("the completer's state: the first outcome starts the delay and wakes it, the one that fills a batch wakes it, a full batch goes at once and its rest waits what the oldest had left, a batch put back waits only what is left of its delay, and shutdown writes at once")
    func completerState() throws {
        let start = ContinuousClock.now
        let delay = Duration.seconds(1)
        func job(_ id: Int64) -> FinishedJob { FinishedJob(id: id, kind: "k", queue: "q", attempt: 1, checkpointSequence: 0, outcome: .released) }
        func ids(_ step: BatchCompleter.Step) -> [Int64]? {
            if case .flush(let batch, _, _) = step { return batch.map(\.id) }
            return nil
        }
        var state = BatchCompleter.State()
        guard case .idle = state.next(maxBatch: 3, delay: delay, now: start) else { Issue.record("not idle when empty"); return }
        let woke1 = state.add(job(1), maxBatch: 3, now: start)
        #expect(woke1)
        let woke2 = state.add(job(2), maxBatch: 3, now: start + .milliseconds(100))
        #expect(!woke2)
        guard case .linger(let left) = state.next(maxBatch: 3, delay: delay, now: start + .milliseconds(400)) else {
            Issue.record("did not wait for the batch to fill"); return
        }
        #expect(left == .milliseconds(600))
        let woke3 = state.add(job(3), maxBatch: 3, now: start + .milliseconds(450))
        #expect(woke3)
        let woke4 = state.add(job(4), maxBatch: 3, now: start + .milliseconds(460))
        #expect(!woke4)
        let full = state.next(maxBatch: 3, delay: delay, now: start + .milliseconds(500))
        #expect(ids(full) == [1, 2, 3])
        guard case .linger(let rest) = state.next(maxBatch: 3, delay: delay, now: start + .milliseconds(500)) else {
            Issue.record("the rest of a full batch did not wait what its oldest had left"); return
        }
        #expect(rest == .milliseconds(500))
        let due = state.next(maxBatch: 3, delay: delay, now: start + .seconds(1))
        #expect(ids(due) == [4])
        state.putBack([job(4)], arrival: start + .milliseconds(800))
        guard case .linger(let remaining) = state.next(maxBatch: 3, delay: delay, now: start + .milliseconds(1100)) else {
            Issue.record("a batch put back did not wait"); return
        }
        #expect(remaining == .milliseconds(700), "a batch put back waited a new delay")
        state.closed = true
        guard case .flush(let last, _, true) = state.next(maxBatch: 3, delay: delay, now: start + .milliseconds(1100)) else {
            Issue.record("shutdown did not write at once"); return
        }
        #expect(last.map(\.id) == [4])
        guard case .finish = state.next(maxBatch: 3, delay: delay, now: start + .milliseconds(1100)) else { Issue.record("did not finish"); return }
    }
}
