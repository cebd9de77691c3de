import Foundation
import Logging
import PostgresNIO

/// What a handler knows about the job it runs.
public struct JobContext: Sendable {
    /// The job's id.
    public let jobID: Int64
    /// The job's kind.
    public let kind: String
    /// The queue it was claimed from.
    public let queue: String
    /// This run's attempt number, starting at 1.
    public let attempt: Int32
    /// The number of attempts after which a failure discards the job.
    public let maxAttempts: Int32
    /// The worker process running it.
    public let workerID: String
    /// The checkpoint an earlier attempt saved with `saveProgress`, if any (JSON).
    public let progressJSON: String?
    /// A logger with the job's id and kind in its metadata.
    public let logger: Logger
    /// The checkpoints this attempt has saved, which its outcome is fenced on.
    let checkpoints: CheckpointSequence

    /// The earlier attempt's checkpoint, decoded; nil if there is none.
    public func progress<Progress: Decodable>(as type: Progress.Type) throws -> Progress? {
        guard let progressJSON else { return nil }
        return try JSONDecoder.jobs.decode(Progress.self, from: Data(progressJSON.utf8))
    }

    /// Saves a checkpoint on `connection` (typically inside the transaction that did the work
    /// it records), so that a retry resumes from it. Fenced: throws `JobQueueError.leaseLost`
    /// if this attempt no longer holds the job, and ``CheckpointLost`` if a checkpoint
    /// this attempt saved earlier was lost in a database crash; either rolls the caller's
    /// transaction back, and the worker then resumes the job from the checkpoint that survived.
    public func saveProgress<Progress: Encodable>(_ progress: Progress, on connection: PostgresConnection) async throws {
        let json = String(decoding: try JSONEncoder.jobs.encode(progress), as: UTF8.self)
        try await checkpoint(progressJSON: json, on: connection)
    }

    /// Marks that the transaction on `connection` did part of this attempt's work, without a new
    /// checkpoint: a handler whose transaction commits without waiting for the WAL flush calls it
    /// (or ``saveProgress(_:on:)``) so that a crash that loses the transaction is noticed before
    /// the job is recorded as done. Fenced like ``saveProgress(_:on:)``.
    public func markProgress(on connection: PostgresConnection) async throws {
        try await checkpoint(progressJSON: nil, on: connection)
    }

    private func checkpoint(progressJSON: String?, on connection: PostgresConnection) async throws {
        let expected = checkpoints.expected
        let query = JobSQL.saveProgress(
            id: jobID, attempt: attempt, workerID: workerID, expectedSequence: expected, progressJSON: progressJSON)
        for try await _ in try await connection.query(query, logger: logger) {
            checkpoints.advance(from: expected)
            return
        }
        for try await held in try await connection.query(
            JobSQL.holds(id: jobID, attempt: attempt, workerID: workerID), logger: logger
        ).decode(Bool.self) where held {
            throw CheckpointLost(jobID: jobID)
        }
        throw JobQueueError.leaseLost(id: jobID)
    }
}

/// What a handler throws to steer what happens after a failure. Any other error retries the job
/// with the worker's backoff until it runs out of attempts.
public enum JobFailure: Error, CustomStringConvertible {
    /// Retry no sooner than `after` (e.g. a 429's Retry-After), if attempts are left.
    case retry(after: Duration, reason: String)
    /// Discard now: retrying cannot help (e.g. a 401).
    case discard(reason: String)
    /// Not now: run again after `for`, without using an attempt (e.g. waiting on something
    /// that is not ready). Not a failure: nothing goes into the job's errors.
    case snooze(for: Duration)

    public var description: String {
        switch self {
        case .retry(_, let reason), .discard(let reason): reason
        case .snooze(let delay): "snoozed for \(delay.inSeconds) s"
        }
    }
}
