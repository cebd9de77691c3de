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

    /// The earlier attempt's checkpoint, decoded; nil if there is none.
    public func progress<Progress: Decodable>(as type: Progress.Type) throws -> Progress? {
        guard let progressJSON else { return nil }
        return try JSONDecoder.jobs.decode(Progress.self, from: Data(progressJSON.utf8))
    }

    /// Saves a checkpoint on `connection` (typically inside the transaction that did the work
    /// it records), so that a retry resumes from it. Fenced: throws `JobQueueError.leaseLost`
    /// if this attempt no longer holds the job, which rolls the caller's transaction back.
    public func saveProgress<Progress: Encodable>(_ progress: Progress, on connection: PostgresConnection) async throws {
        let json = String(decoding: try JSONEncoder.jobs.encode(progress), as: UTF8.self)
        let query = JobSQL.saveProgress(id: jobID, attempt: attempt, workerID: workerID, progressJSON: json)
        for try await _ in try await connection.query(query, logger: logger) { return }
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

    public var description: String {
        switch self {
        case .retry(_, let reason), .discard(let reason): reason
        }
    }
}
