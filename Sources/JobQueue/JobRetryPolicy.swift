/// How failing jobs of one kind are retried: set per kind on a worker's ``JobRegistry``.
public struct JobRetryPolicy: Sendable, Equatable {
    /// The most attempts a job of the kind gets from this worker's handler failures, whatever it
    /// was enqueued with (the lower of the two counts); nil: the job's own `max_attempts`. A lease
    /// rescue (the worker died) still counts against the job's own `max_attempts`, which the
    /// rescuer reads from the row: enqueue with `maxAttempts` to bound that too.
    public var maxAttempts: Int32?
    /// The delays between attempts; nil: the worker's.
    public var backoff: JobBackoff?

    /// A policy; `maxAttempts` must be at least 1.
    public init(maxAttempts: Int32? = nil, backoff: JobBackoff? = nil) {
        precondition(maxAttempts.map { $0 >= 1 } ?? true, "a job gets at least one attempt")
        self.maxAttempts = maxAttempts
        self.backoff = backoff
    }
}
