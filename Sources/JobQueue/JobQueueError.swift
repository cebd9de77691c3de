import PostgresResilience

/// Errors of the queue engine, each with a message a person understands.
public enum JobQueueError: Error, CustomStringConvertible, Equatable {
    /// A job to enqueue was malformed.
    case invalidJob(String)
    /// No job has this id.
    case jobNotFound(Int64)
    /// The job is not in a state that allows the operation.
    case invalidState(id: Int64, state: String, operation: String)
    /// This attempt no longer holds the job (its lease expired and it was rescued).
    case leaseLost(id: Int64)
    /// A worker was configured with an impossible value.
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .invalidJob(let why): "invalid job: \(why)"
        case .jobNotFound(let id): "no job with id \(id)"
        case .invalidState(let id, let state, let operation): "cannot \(operation) job \(id): it is \(state)"
        case .leaseLost(let id): "job \(id) was rescued by another worker after its lease expired; this attempt's work is rolled back"
        case .invalidConfiguration(let why): "invalid worker configuration: \(why)"
        }
    }
}

/// A job ran past its kind's timeout: its handler was cancelled, and the attempt failed.
public struct JobTimedOut: Error, CustomStringConvertible {
    /// The job's kind, and how long it may run.
    public let kind: String
    public let limit: Duration

    public var description: String { "the '\(kind)' job ran past its \(limit) timeout and was stopped" }
}

/// A checkpoint this attempt saved is gone: a database crash lost the transaction that saved
/// it. The attempt must not go on, but resume from the checkpoint that survived (the worker does
/// so at once, without counting the attempt).
public struct CheckpointLost: InterruptionError, CustomStringConvertible {
    /// The job.
    public let jobID: Int64

    /// What a job's error history says when an attempt's work was lost and it resumes.
    static let message = "a database crash lost part of this attempt's work; resuming from the last checkpoint that survived"

    public var description: String { "job \(jobID): \(Self.message)" }
}
