import Synchronization

/// Group commit: items submitted while a commit is under way wait for the next one and share it,
/// so that many concurrent callers pay for one transaction (and one flush of the WAL) instead of
/// one each. A caller is answered only once its item's commit has ended.
///
/// At low load each item is committed as it comes, with no wait for company; under load the items
/// queue while a commit runs and go in batches of up to `batchLimit`. Another commit starts beside
/// the running ones (up to `committers`) only once a quarter of a batch is waiting: one at a time
/// makes the largest batches, the cheapest per item, while the work a commit does outside the
/// database still overlaps when one cannot keep up. The wait is bounded: an item that waited
/// `maxWait` before its batch was taken, or that finds `maxWaiting` items ahead, is refused
/// (``CommitGroupRefusal``) instead of queueing behind a database that does not keep up.
final class CommitGroup<Item: Sendable, Answer: Sendable>: Sendable {
    /// Commits a batch and answers each of its items, in order (as many answers as items).
    typealias Commit = @Sendable ([Item]) async throws -> [Answer]

    private struct Waiting: Sendable {
        let item: Item
        let since: ContinuousClock.Instant
        let continuation: CheckedContinuation<Answer, any Error>
    }

    private struct State: Sendable {
        var waiting: [Waiting] = []
        var committing = 0
    }

    private let state = Mutex(State())
    private let committers: Int
    private let batchLimit: Int
    private let maxWait: Duration
    private let maxWaiting: Int
    private let commit: Commit

    init(committers: Int, batchLimit: Int, maxWait: Duration, maxWaiting: Int, commit: @escaping Commit) {
        self.committers = max(1, committers)
        self.batchLimit = max(1, batchLimit)
        self.maxWait = maxWait
        self.maxWaiting = max(1, maxWaiting)
        self.commit = commit
    }

    /// Waits for `item`'s commit and returns its answer, or throws what the commit threw (or a
    /// ``CommitGroupRefusal``).
    func submit(_ item: Item) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            let (admitted, startsCommitter) = state.withLock { state -> (Bool, Bool) in
                guard state.waiting.count < maxWaiting else { return (false, false) }
                state.waiting.append(Waiting(item: item, since: .now, continuation: continuation))
                guard state.committing < committers, state.committing == 0 || state.waiting.count >= batchLimit / 4 else { return (true, false) }
                state.committing += 1
                return (true, true)
            }
            if !admitted { continuation.resume(throwing: CommitGroupRefusal.queueFull(maxWaiting)) }
            // Detached: the committer serves every caller, so it must not run in the task-local
            // context (the trace, the log metadata) of the one that happened to start it.
            if startsCommitter { Task.detached { await self.commitWhileWaiting() } }
        }
    }

    /// Commits batches until nothing waits.
    private func commitWhileWaiting() async {
        while true {
            let (batch, expired) = state.withLock { state -> ([Waiting], [Waiting]) in
                let taken = Array(state.waiting.prefix(batchLimit))
                state.waiting.removeFirst(taken.count)
                if taken.isEmpty { state.committing -= 1 }
                let now = ContinuousClock.now
                return (taken.filter { now - $0.since < maxWait }, taken.filter { now - $0.since >= maxWait })
            }
            for waiting in expired { waiting.continuation.resume(throwing: CommitGroupRefusal.waitedTooLong(maxWait)) }
            guard !batch.isEmpty || !expired.isEmpty else { return }
            guard !batch.isEmpty else { continue }
            do {
                let answers = try await commit(batch.map(\.item))
                precondition(answers.count == batch.count, "a commit answers each item of its batch")
                for (waiting, answer) in zip(batch, answers) { waiting.continuation.resume(returning: answer) }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}

/// Why an item was not committed at all.
enum CommitGroupRefusal: Error, CustomStringConvertible {
    /// That many items were waiting already.
    case queueFull(Int)
    /// Its batch was not taken within this long.
    case waitedTooLong(Duration)

    var description: String {
        switch self {
        case .queueFull(let count): "\(count) deliveries are waiting for a commit already"
        case .waitedTooLong(let limit): "waited more than \(limit) for a commit"
        }
    }
}
