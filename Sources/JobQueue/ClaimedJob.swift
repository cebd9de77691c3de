/// A job a worker has claimed and holds the lease of.
struct ClaimedJob: Sendable {
    let id: Int64
    let kind: String
    let queue: String
    let argsJSON: String
    let attempt: Int32
    let maxAttempts: Int32
    let progressJSON: String?
    /// The job's checkpoint count when claimed (see ``CheckpointSequence``).
    let checkpointSequence: Int32
    /// How many times this attempt was already resumed after the database interrupted it.
    let resumes: Int32
    /// The job's own execution timeout, overriding its kind's.
    let timeout: Duration?
    /// Its enqueuer's trace context (`JobTraceContext`), if it was enqueued traced.
    let traceContext: String?
    /// How long before this claim it was enqueued, by the database's clock.
    let enqueuedSecondsAgo: Double
}

/// Why a worker stopped a running job's task.
enum StopReason: Sendable {
    /// An operator cancelled the job.
    case cancelledByOperator
    /// The worker is shutting down and the grace period is over.
    case shutdown
    /// The lease was lost (the job was rescued and may run elsewhere).
    case leaseLost
    /// The attempt ran past its timeout (the job's own, or its kind's).
    case timedOut
}
