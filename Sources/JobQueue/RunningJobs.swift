import Synchronization

/// The jobs a worker is running: their tasks, their deadlines, and which were stopped.
///
/// An attempt ends once, whichever comes first: its handler returns (``finish(id:token:)``) or
/// it is stopped (``stop(id:reason:token:)``: cancelled, timed out, shut down, lease lost), which
/// cancels its task and records its outcome at once, through the entry's `onStop`, without
/// waiting for a handler that ignores cancellation. A stopped attempt no longer holds a slot or
/// its lease; whatever its handler returns later is dropped. An attempt counts as running until
/// its outcome is queued (``settle()``), so that a worker shutting down, which waits for none to
/// run, never closes its completer before the last outcome is in it.
///
/// One watcher (``watchDeadlines()``) stops the attempts that outlive their deadline, so a job
/// costs no timer of its own.
final class RunningJobs: Sendable {
    private struct Entry {
        let attempt: Int32
        /// Tells this attempt's entry from a later one of the same job.
        let token: UInt64
        let task: Task<Void, Never>
        let deadline: ContinuousClock.Instant
        /// Records the attempt's outcome when it is stopped before its handler returns.
        let onStop: @Sendable (StopReason) -> Void
        /// Set once the attempt ended (stopped, or its handler returned): its outcome is decided.
        var ended = false
    }

    private struct State {
        var entries: [Int64: Entry] = [:]
        var nextToken: UInt64 = 0
        /// Attempts whose outcome is not queued yet.
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
    /// Signalled when the slots the producer waits for are free.
    private let slotsFreed: WakeSignal
    /// Signalled when no attempt runs.
    private let idle: WakeSignal

    /// - Parameters:
    ///   - slotsFreed: signalled when as many attempts ended as the producer waits for.
    ///   - idle: signalled whenever the last running attempt's outcome is queued.
    init(slotsFreed: WakeSignal, idle: WakeSignal) {
        self.slotsFreed = slotsFreed
        self.idle = idle
    }

    /// Starts `body` as the task of job `id`'s `attempt`, to be stopped at `deadline`; `body` is
    /// given the attempt's token, for ``finish(id:token:)``. The entry exists before the task can
    /// finish. Returns false, starting nothing, when that attempt already runs here. An earlier
    /// attempt still running here (its claim was undone by a crash, and the job rescued), or this
    /// one stopped, is replaced; a replaced attempt still running is cancelled, its outcome dropped.
    func start(
        id: Int64, attempt: Int32, deadline: ContinuousClock.Instant,
        onStop: @escaping @Sendable (StopReason) -> Void, _ body: @escaping @Sendable (_ token: UInt64) async -> Void
    ) -> Bool {
        let started = state.withLock { state -> (superseded: Task<Void, Never>?, wakeWatcher: Bool)? in
            let previous = state.entries[id]
            if let previous, previous.attempt == attempt, !previous.ended { return nil }
            if let previous, !previous.ended { state.running -= 1 }
            state.nextToken &+= 1
            let token = state.nextToken
            state.entries[id] = Entry(
                attempt: attempt, token: token, task: Task { await body(token) }, deadline: deadline, onStop: onStop)
            state.running += 1
            let wakeWatcher = state.watcherWakesAt.map { deadline < $0 } ?? true
            if wakeWatcher { state.watcherWakesAt = deadline }
            return (previous?.ended == false ? previous?.task : nil, wakeWatcher)
        }
        guard let started else { return false }
        started.superseded?.cancel()
        if started.wakeWatcher { deadlineChanged.signal() }
        return true
    }

    /// The handler of the attempt with `token` returned: removes its entry. True if its outcome
    /// is to be recorded (then call ``settle()`` once it is queued); false if the attempt was
    /// stopped or replaced, and its outcome is dropped.
    func finish(id: Int64, token: UInt64) -> Bool {
        state.withLock { state in
            guard let entry = state.entries[id], entry.token == token else { return false }
            state.entries[id] = nil
            return !entry.ended
        }
    }

    /// An ended attempt's outcome is queued: it no longer runs.
    func settle() {
        let (freed, none) = state.withLock { state in
            state.running -= 1
            return (state.freeSlot(), state.running == 0)
        }
        if freed { slotsFreed.signal() }
        if none { idle.signal() }
    }

    /// Stops job `id`'s attempt (only the one with `token`, if given), once: cancels its task and
    /// records its outcome for `reason`. Returns false when no such attempt runs here, or it had
    /// ended already.
    @discardableResult
    func stop(id: Int64, reason: StopReason, token: UInt64? = nil) -> Bool {
        let stopped = state.withLock { state -> Entry? in
            guard var entry = state.entries[id], !entry.ended, token.map({ $0 == entry.token }) ?? true else { return nil }
            entry.ended = true
            state.entries[id] = entry
            return entry
        }
        guard let stopped else { return false }
        stopped.task.cancel()
        stopped.onStop(reason)
        settle()
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
            let (overdue, wake) = state.withLock { state -> ([(id: Int64, token: UInt64)], ContinuousClock.Instant) in
                var overdue: [(id: Int64, token: UInt64)] = []
                var wake = now + Self.watchInterval
                for (id, entry) in state.entries where !entry.ended {
                    if entry.deadline <= now { overdue.append((id, entry.token)) } else { wake = min(wake, entry.deadline) }
                }
                state.watcherWakesAt = wake
                return (overdue, wake)
            }
            for attempt in overdue { stop(id: attempt.id, reason: .timedOut, token: attempt.token) }
            await deadlineChanged.wait(timeout: wake - now)
        }
    }

    /// The ids of the running attempts (not ended).
    var ids: [Int64] { state.withLock { $0.entries.compactMap { $0.value.ended ? nil : $0.key } } }

    /// How many attempts run (their outcome not queued yet).
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
