import Synchronization

/// The jobs a worker is running: their tasks, their deadlines, and why a task was stopped, if it
/// was.
///
/// An attempt ends once, whichever comes first: its handler returns (``finish(id:attempt:)``) or
/// it is stopped (``stop(id:reason:)``: cancelled, timed out, shut down, lease lost), which
/// cancels its task and records its outcome at once, through the entry's `onStop`, without
/// waiting for a handler that ignores cancellation. A stopped attempt no longer counts as running
/// (its slot is free, its lease no longer extended); whatever its handler returns later is dropped.
/// One watcher (``watchDeadlines()``) stops the attempts that outlive their deadline, so a job
/// costs no timer of its own.
final class RunningJobs: Sendable {
    private struct Entry {
        let attempt: Int32
        let task: Task<Void, Never>
        let deadline: ContinuousClock.Instant
        /// Records the attempt's outcome when it is stopped before its handler returns.
        let onStop: @Sendable (StopReason) -> Void
        var stopReason: StopReason?
    }

    private struct State {
        var entries: [Int64: Entry] = [:]
        /// Entries not stopped.
        var running = 0
        /// The producer waits until no more than this many run (then it has the slots it wants).
        var wakeAtCount: Int?
        /// When the deadline watcher wakes next (nil until it has looked).
        var watcherWakesAt: ContinuousClock.Instant?

        /// After an attempt stopped running: whether the producer waiting for slots is to be woken.
        mutating func freeSlot() -> Bool {
            guard let wakeAt = wakeAtCount, running <= wakeAt else { return false }
            wakeAtCount = nil
            return true
        }
    }

    private let state = Mutex(State())
    private let deadlineChanged = WakeSignal()

    /// Starts `body` as the task of job `id`'s `attempt`, to be stopped at `deadline`; the entry
    /// exists before the task can finish. Returns false, starting nothing, when that attempt
    /// already runs here. An earlier attempt still running here (its claim was undone by a crash,
    /// and the job rescued) is cancelled, its outcome dropped: its lease is gone.
    func start(
        id: Int64, attempt: Int32, deadline: ContinuousClock.Instant,
        onStop: @escaping @Sendable (StopReason) -> Void, _ body: @escaping @Sendable () async -> Void
    ) -> Bool {
        let started = state.withLock { state -> (superseded: Task<Void, Never>?, wakeWatcher: Bool)? in
            let previous = state.entries[id]
            if previous?.attempt == attempt { return nil }
            if let previous, previous.stopReason == nil { state.running -= 1 }
            state.entries[id] = Entry(attempt: attempt, task: Task(operation: body), deadline: deadline, onStop: onStop)
            state.running += 1
            let wakeWatcher = state.watcherWakesAt.map { deadline < $0 } ?? true
            if wakeWatcher { state.watcherWakesAt = deadline }
            return (previous?.task, wakeWatcher)
        }
        guard let started else { return false }
        started.superseded?.cancel()
        if started.wakeWatcher { deadlineChanged.signal() }
        return true
    }

    /// Removes an attempt whose handler returned; returns whether its outcome is to be recorded
    /// (not if it was stopped, superseded or abandoned), and whether it freed the slots the producer
    /// waits for.
    func finish(id: Int64, attempt: Int32) -> (tracked: Bool, freedWaitingSlot: Bool) {
        state.withLock { state in
            guard let entry = state.entries[id], entry.attempt == attempt else { return (false, false) }
            state.entries[id] = nil
            guard entry.stopReason == nil else { return (false, false) }
            state.running -= 1
            return (true, state.freeSlot())
        }
    }

    /// Why job `id` was stopped, if it was.
    func stopReason(of id: Int64) -> StopReason? {
        state.withLock { $0.entries[id]?.stopReason }
    }

    /// Stops job `id`'s attempt, once: cancels its task and records its outcome for `reason`.
    /// Returns false when the job is no longer running here or was already stopped.
    @discardableResult
    func stop(id: Int64, reason: StopReason) -> Bool {
        let stopped = state.withLock { state -> Entry? in
            guard var entry = state.entries[id], entry.stopReason == nil else { return nil }
            entry.stopReason = reason
            state.entries[id] = entry
            state.running -= 1
            _ = state.freeSlot()
            return entry
        }
        guard let stopped else { return false }
        stopped.task.cancel()
        stopped.onStop(reason)
        return true
    }

    /// Stops every running attempt, for `reason`.
    func stopAll(reason: StopReason) {
        for id in ids { stop(id: id, reason: reason) }
    }

    /// How long the deadline watcher sleeps at most: an attempt whose deadline comes sooner than
    /// its next wake (a timeout under this) wakes it; any other start does not.
    static let watchInterval: Duration = .seconds(1)

    /// Stops each attempt when its deadline passes (as ``StopReason/timedOut``), until cancelled:
    /// it wakes at the earliest deadline or after ``watchInterval``, whichever is sooner.
    func watchDeadlines() async {
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let (overdue, wake) = state.withLock { state -> ([Int64], ContinuousClock.Instant) in
                var overdue: [Int64] = []
                var wake = now + Self.watchInterval
                for (id, entry) in state.entries where entry.stopReason == nil {
                    if entry.deadline <= now { overdue.append(id) } else { wake = min(wake, entry.deadline) }
                }
                state.watcherWakesAt = wake
                return (overdue, wake)
            }
            for id in overdue { stop(id: id, reason: .timedOut) }
            await deadlineChanged.wait(timeout: wake - now)
        }
    }

    /// The ids of the running (not stopped) attempts.
    var ids: [Int64] { state.withLock { $0.entries.compactMap { $0.value.stopReason == nil ? $0.key : nil } } }

    /// How many attempts are running (not stopped).
    var count: Int { state.withLock { $0.running } }

    /// Free slots under `concurrency`; with fewer than `wanted`, notes that the producer now
    /// waits for that many.
    func freeSlots(concurrency: Int, wanted: Int) -> Int {
        state.withLock { state in
            let free = concurrency - state.running
            state.wakeAtCount = free < wanted ? concurrency - wanted : nil
            return free
        }
    }
}
