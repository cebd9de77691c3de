import Synchronization

/// The jobs a worker is running: their tasks, and why a task was stopped, if it was.
final class RunningJobs: Sendable {
    private struct Entry {
        let attempt: Int32
        let kind: String
        let task: Task<Void, Never>
        var stopReason: StopReason?
    }

    private struct State {
        var entries: [Int64: Entry] = [:]
        /// The producer waits until no more than this many run (then it has the slots it wants).
        var wakeAtCount: Int?
    }

    private let state = Mutex(State())

    /// Starts `body` as the task of job `id`'s `attempt`; the entry exists before the task can
    /// finish. Returns false, starting nothing, when that attempt already runs here. An earlier
    /// attempt still running here (its claim was undone by a crash, and the job rescued) is
    /// stopped: its lease is gone.
    func start(id: Int64, attempt: Int32, kind: String, _ body: @escaping @Sendable () async -> Void) -> Bool {
        let superseded = state.withLock { state -> Task<Void, Never>?? in
            let previous = state.entries[id]
            if previous?.attempt == attempt { return .none }
            state.entries[id] = Entry(attempt: attempt, kind: kind, task: Task(operation: body))
            return .some(previous?.task)
        }
        guard let superseded else { return false }
        superseded?.cancel()
        return true
    }

    /// Removes a finished attempt; returns whether it was still tracked (an attempt abandoned at
    /// shutdown or superseded is not), and whether it freed the slots the producer waits for.
    func finish(id: Int64, attempt: Int32) -> (tracked: Bool, freedWaitingSlot: Bool) {
        state.withLock { state in
            let tracked = state.entries[id]?.attempt == attempt
            if tracked { state.entries[id] = nil }
            guard let wakeAt = state.wakeAtCount, state.entries.count <= wakeAt else { return (tracked, false) }
            state.wakeAtCount = nil
            return (tracked, true)
        }
    }

    /// Why job `id` was stopped, if it was.
    func stopReason(of id: Int64) -> StopReason? {
        state.withLock { $0.entries[id]?.stopReason }
    }

    /// Cancels job `id`'s task, once, remembering why; returns false when the job is no longer
    /// running here or was already stopped.
    @discardableResult
    func stop(id: Int64, reason: StopReason) -> Bool {
        let task = state.withLock { state -> Task<Void, Never>? in
            guard var entry = state.entries[id], entry.stopReason == nil else { return nil }
            entry.stopReason = reason
            state.entries[id] = entry
            return entry.task
        }
        task?.cancel()
        return task != nil
    }

    /// Cancels every running task, for `reason`.
    func stopAll(reason: StopReason) {
        for id in ids { stop(id: id, reason: reason) }
    }

    /// Forgets every job still running, returning their attempts: their outcomes will be dropped.
    func abandonAll() -> [(id: Int64, attempt: Int32, kind: String)] {
        state.withLock { state in
            let abandoned = state.entries.map { (id: $0.key, attempt: $0.value.attempt, kind: $0.value.kind) }
            state.entries.removeAll()
            return abandoned
        }
    }

    /// The ids of the running jobs.
    var ids: [Int64] { state.withLock { Array($0.entries.keys) } }

    /// How many jobs are running.
    var count: Int { state.withLock { $0.entries.count } }

    /// Free slots under `concurrency`; with fewer than `wanted`, notes that the producer now
    /// waits for that many.
    func freeSlots(concurrency: Int, wanted: Int) -> Int {
        state.withLock { state in
            let free = concurrency - state.entries.count
            state.wakeAtCount = free < wanted ? concurrency - wanted : nil
            return free
        }
    }
}
