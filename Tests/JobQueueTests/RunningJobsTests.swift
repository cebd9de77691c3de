@testable import JobQueue
import Synchronization
import Testing

/// The worker's table of running attempts, without a database: who ends an attempt, and what a
/// later attempt of the same job is spared.
@Suite("Running attempts")
struct RunningJobsTests {
    /// A handler deaf to cancellation, until `release()`.
    final class DeafHandler: Sendable {
        private let released = Mutex<(done: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

        func run() async {
            await withCheckedContinuation { continuation in
                let done = released.withLock { state -> Bool in
                    if state.done { return true }
                    state.waiter = continuation
                    return false
                }
                if done { continuation.resume() }
            }
        }

        func release() {
            released.withLock { state in
                state.done = true
                return state.waiter.take()
            }?.resume()
        }
    }

    @Test("a stop ends an attempt once and frees it at once; its handler's late return is dropped; the job claimed again with the same attempt replaces it, and the old attempt's token touches nothing of the new one")
    func stopThenReclaim() async throws {
        let running = RunningJobs(slotsFreed: WakeSignal(), idle: WakeSignal())
        let stops = Mutex<[StopReason]>([])
        let finished = Mutex<[Bool]>([])
        let first = DeafHandler()
        let oldToken = Mutex<UInt64>(0)
        let far = ContinuousClock.now + .seconds(3600)
        let began = running.start(id: 7, attempt: 1, deadline: far, onStop: { reason in stops.withLock { $0.append(reason) } }) { token in
            oldToken.withLock { $0 = token }
            await first.run()
            finished.withLock { $0.append(running.finish(id: 7, token: token)) }
        }
        #expect(began)
        try await expectSoon { oldToken.withLock { $0 } != 0 }
        let twice = running.start(id: 7, attempt: 1, deadline: far, onStop: { _ in }) { _ in }
        #expect(!twice, "the same attempt runs already")
        #expect(running.count == 1 && running.ids == [7])

        #expect(running.stop(id: 7, reason: .leaseLost))
        #expect(!running.stop(id: 7, reason: .cancelledByOperator), "stopped once")
        #expect(stops.withLock { $0 } == [.leaseLost])
        #expect(running.count == 0 && running.ids.isEmpty, "a stopped attempt holds no slot and no lease")

        // The crash undid the claim, and this worker claims the same attempt again.
        let second = DeafHandler()
        let again = running.start(id: 7, attempt: 1, deadline: far, onStop: { _ in }) { _ in await second.run() }
        #expect(again)
        #expect(running.count == 1 && running.ids == [7])
        #expect(!running.stop(id: 7, reason: .timedOut, token: oldToken.withLock { $0 }), "the old attempt's token stops nothing")

        first.release()
        try await expectSoon { finished.withLock { $0 } == [false] }
        #expect(running.ids == [7], "the old attempt's return left the new one in place")
        second.release()
    }

    @Test("the watcher stops an attempt past its deadline, soon, and leaves the others")
    func watcherStopsOverdue() async throws {
        let running = RunningJobs(slotsFreed: WakeSignal(), idle: WakeSignal())
        let watcher = Task { await running.watchDeadlines() }
        defer { watcher.cancel() }
        let stops = Mutex<[Int64: StopReason]>([:])
        let deaf = (DeafHandler(), DeafHandler())
        let started = ContinuousClock.now
        _ = running.start(id: 1, attempt: 1, deadline: .now + .milliseconds(200), onStop: { reason in stops.withLock { $0[1] = reason } }) { _ in await deaf.0.run() }
        _ = running.start(id: 2, attempt: 1, deadline: .now + .seconds(3600), onStop: { reason in stops.withLock { $0[2] = reason } }) { _ in await deaf.1.run() }
        try await expectSoon { stops.withLock { $0[1] } == .timedOut }
        #expect(ContinuousClock.now - started < .seconds(2), "a sub-second deadline wakes the watcher")
        #expect(stops.withLock { $0[2] } == nil && running.ids == [2])
        deaf.0.release()
        deaf.1.release()
    }

    /// Waits up to 5 s for `condition`.
    private func expectSoon(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition())
    }
}
