import Synchronization

/// A moment in the engine that a test waits for instead of sleeping, as River's test signals do:
/// the code raises it when the moment comes, and a test waits until it has been raised a number of
/// times. Nothing raises one unless a test handed it over (``WorkerConfiguration/testSignals``).
package final class TestSignal: Sendable {
    private struct Waiter {
        let id: Int
        let count: Int
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var count = 0
        var nextID = 0
        var waiters: [Waiter] = []
    }

    private let state = Mutex(State())

    /// A signal not raised yet.
    package init() {}

    /// How many times it has been raised.
    package var count: Int { state.withLock { $0.count } }

    /// Records the moment and wakes whoever waited for this many.
    package func raise() {
        let due = state.withLock { state -> [Waiter] in
            state.count += 1
            let count = state.count
            let due = state.waiters.filter { $0.count <= count }
            state.waiters.removeAll { $0.count <= count }
            return due
        }
        for waiter in due { waiter.continuation.resume(returning: true) }
    }

    /// Waits until it has been raised `count` times in all; false if `timeout` passed first.
    package func wait(untilCount count: Int, timeout: Duration = .seconds(10)) async -> Bool {
        await withCheckedContinuation { continuation in
            let id = state.withLock { state -> Int? in
                guard state.count < count else { return nil }
                state.nextID += 1
                state.waiters.append(Waiter(id: state.nextID, count: count, continuation: continuation))
                return state.nextID
            }
            guard let id else { return continuation.resume(returning: true) }
            Task {
                try? await Task.sleep(for: timeout)
                let expired = state.withLock { state -> Waiter? in
                    state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
                }
                expired?.continuation.resume(returning: false)
            }
        }
    }
}

/// The moments a worker raises for tests.
package struct WorkerTestSignals: Sendable {
    /// The queue listener is listening (again, after a reconnect) and the worker has since run a
    /// claim round for what was enqueued while nothing listened (with several queues, a round
    /// that filled its batch may not have reached them all).
    package let caughtUp = TestSignal()

    /// A heartbeat extended the leases of the worker's running jobs.
    package let leasesExtended = TestSignal()

    /// Signals none of which has been raised.
    package init() {}
}
