/// The life cycle of a job row.
public enum JobState: String, Sendable, Codable, CaseIterable {
    /// Waiting to run once its `run_at` has come.
    case available
    /// Claimed by a worker, which holds a lease on it.
    case running
    /// Failed; runs again at its `run_at`.
    case retryable
    /// Finished successfully.
    case completed
    /// Failed for good: out of attempts, or the handler said it will never succeed.
    case discarded
    /// Cancelled by an operator.
    case cancelled

    /// Whether the job will not run again.
    public var isFinished: Bool {
        switch self {
        case .completed, .discarded, .cancelled: true
        case .available, .running, .retryable: false
        }
    }
}
