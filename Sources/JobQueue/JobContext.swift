import Logging

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
    /// A logger with the job's id and kind in its metadata.
    public let logger: Logger
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
