import Synchronization

/// Group commit: items submitted while a commit is under way wait for the next one and share it,
/// so that many concurrent callers pay for one transaction (and one flush of the WAL) instead of
/// one each. A caller is answered only once its item's commit has ended.
///
/// At low load each item is committed as it comes, with no wait for company; under load the items
/// queue while a commit runs and go in batches of up to `batchLimit`. Another commit starts beside
/// the running ones (up to `committers`) only once a quarter of a batch is waiting: one at a time
/// makes the largest batches, the cheapest per item, while the work a commit does outside the
/// database still overlaps when one cannot keep up.
final class CommitGroup<Item: Sendable, Answer: Sendable>: Sendable {
    /// Commits a batch and answers each of its items, in order (as many answers as items).
    typealias Commit = @Sendable ([Item]) async throws -> [Answer]

    private struct Waiting: Sendable {
        let item: Item
        let continuation: CheckedContinuation<Answer, any Error>
    }

    private struct State: Sendable {
        var waiting: [Waiting] = []
        var committing = 0
    }

    private let state = Mutex(State())
    private let committers: Int
    private let batchLimit: Int
    private let commit: Commit

    init(committers: Int, batchLimit: Int, commit: @escaping Commit) {
        self.committers = max(1, committers)
        self.batchLimit = max(1, batchLimit)
        self.commit = commit
    }

    /// Waits for `item`'s commit and returns its answer, or throws what the commit threw.
    func submit(_ item: Item) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            let startsCommitter = state.withLock { state in
                state.waiting.append(Waiting(item: item, continuation: continuation))
                guard state.committing < committers, state.committing == 0 || state.waiting.count >= batchLimit / 4 else { return false }
                state.committing += 1
                return true
            }
            if startsCommitter { Task { await self.commitWhileWaiting() } }
        }
    }

    /// Commits batches until nothing waits.
    private func commitWhileWaiting() async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = Array(state.waiting.prefix(batchLimit))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.committing -= 1 }
                return batch
            }
            guard !batch.isEmpty else { return }
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
