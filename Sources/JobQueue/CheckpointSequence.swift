import Synchronization

/// How many checkpoints the job had when this attempt last saved one (or was claimed): the
/// value its next checkpoint and its outcome are fenced on.
///
/// A handler's transactions may commit without waiting for the WAL flush. If a PostgreSQL
/// crash-restart loses one of them, the job's `checkpoint_seq` is left behind this count, so the
/// next checkpoint is refused (``CheckpointLost``) and the outcome is not
/// recorded: the attempt resumes from the checkpoint that survived instead of going on past work
/// that is gone.
final class CheckpointSequence: Sendable {
    private let value: Mutex<Int32>

    init(_ value: Int32) {
        self.value = Mutex(value)
    }

    /// The count this attempt expects the database to hold.
    var expected: Int32 { value.withLock { $0 } }

    /// Notes a checkpoint saved (in a transaction not yet committed: if that transaction is lost
    /// or rolled back, the next fence fails, which is what must happen).
    func advance(from expected: Int32) {
        value.withLock { $0 = expected + 1 }
    }
}
