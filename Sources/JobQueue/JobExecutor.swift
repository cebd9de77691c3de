import Logging
import PostgresResilience

/// Runs one claimed job's handler and turns how it ended into an outcome.
struct JobExecutor: Sendable {
    /// How many times one attempt may be resumed after the database interrupted it before the
    /// interruption counts as the attempt's failure (a job whose own work keeps breaking its
    /// connection must not loop for ever).
    static let maxResumes: Int32 = 10
    /// How long a job whose write was refused for lack of space waits before it runs again,
    /// its attempt given back, as often as it takes: a full disk is no fault of the job's.
    /// Defaults to 2 seconds.
    static let diskFullPause: Duration = .seconds(2)

    let registry: JobRegistry
    let backoff: JobBackoff
    let workerID: String
    /// The worker's logger, adding the running job's metadata to each record.
    private let logger: Logger
    /// Whether `logger` does that (its handler takes a metadata provider); if not, each job gets a
    /// logger with its metadata set.
    private let loggerAddsJob: Bool

    init(registry: JobRegistry, backoff: JobBackoff, workerID: String, logger: Logger) {
        self.registry = registry
        self.backoff = backoff
        self.workerID = workerID
        let jobLogger = JobLogMetadata.logger(from: logger)
        self.logger = jobLogger ?? logger
        self.loggerAddsJob = jobLogger != nil
    }

    /// How long `job`'s attempt may run: its own timeout, or its kind's; at most
    /// ``JobLimits/longestTimeout``.
    func timeout(of job: ClaimedJob) -> Duration {
        min(job.timeout ?? registry.timeout(for: job.kind), JobLimits.longestTimeout)
    }

    /// Runs the handler, unbounded (the worker stops an attempt that outlives
    /// ``timeout(of:)``), and returns how it ended, for ``outcome(of:ended:)``.
    func run(_ job: ClaimedJob, checkpoints: CheckpointSequence) async -> Result<String?, any Error> {
        guard let handler = registry.handler(for: job.kind) else {
            let known = registry.kinds.joined(separator: ", ")
            return .failure(JobFailure.discard(reason: "no handler for job kind '\(job.kind)' on this worker (it runs: \(known))"))
        }
        let (logger, metadata) = logging(job)
        let context = JobContext(
            jobID: job.id, kind: job.kind, queue: job.queue, attempt: job.attempt,
            maxAttempts: min(job.maxAttempts, registry.retryPolicy(for: job.kind)?.maxAttempts ?? .max), workerID: workerID, progressJSON: job.progressJSON, logger: logger,
            checkpoints: checkpoints)
        return await JobLogMetadata.$current.withValue(metadata) {
            do {
                return .success(try await handler(job.argsJSON, context))
            } catch {
                return .failure(error)
            }
        }
    }

    /// The outcome of an attempt whose handler ended so: completed, or failed (to retry,
    /// discard, snooze or resume), logged with the job's metadata.
    func outcome(of job: ClaimedJob, ended end: Result<String?, any Error>) -> JobOutcome {
        switch end {
        case .success(let result):
            return .completed(resultJSON: result)
        case .failure(let error):
            let (logger, metadata) = logging(job)
            return JobLogMetadata.$current.withValue(metadata) { failure(job, error, logger: logger) }
        }
    }

    /// The outcome of an attempt stopped before its handler returned, or nil when its lease was
    /// lost and its outcome is moot.
    func outcome(of job: ClaimedJob, stoppedFor reason: StopReason) -> JobOutcome? {
        switch reason {
        case .cancelledByOperator: return .cancelled(reason: "cancelled by an operator while running")
        case .shutdown: return .released
        case .leaseLost: return nil
        case .timedOut: return outcome(of: job, ended: .failure(JobTimedOut(kind: job.kind, limit: timeout(of: job))))
        }
    }

    /// The worker's logger with `job`'s metadata (set on it unless its handler adds
    /// `JobLogMetadata.current`), and that metadata, for `JobLogMetadata.$current`.
    private func logging(_ job: ClaimedJob) -> (logger: Logger, metadata: Logger.Metadata) {
        let metadata = JobLogMetadata.of(id: job.id, kind: job.kind)
        var logger = logger
        if !loggerAddsJob { logger.handler.metadata.merge(metadata) { $1 } }
        return (logger, metadata)
    }

    private func failure(_ job: ClaimedJob, _ error: any Error, logger: Logger) -> JobOutcome {
        let policy = registry.retryPolicy(for: job.kind)
        let outOfAttempts = job.attempt >= min(job.maxAttempts, policy?.maxAttempts ?? .max)
        if case JobFailure.snooze(let delay) = error {
            logger.debug("job snoozed", metadata: ["snooze_s": "\(delay.inSeconds)"])
            return .snoozed(delay: max(delay, .zero))
        }
        if let refusal = DiskCondition.refusal(in: error) {
            logger.warning("job paused: the database's disk is full; it resumes from its last checkpoint once there is space", metadata: [
                "error": "\(refusal) (SQLSTATE \(DiskCondition.diskFullState))", "retry_in_s": "\(Self.diskFullPause.inSeconds)"])
            return .snoozed(delay: Self.diskFullPause)
        }
        if DatabaseInterruption.isInterruption(error), job.resumes < Self.maxResumes {
            let message = ErrorSummary.oneLine(error)
            logger.warning("job interrupted by the database; it resumes from its last checkpoint once the database is back", metadata: ["error": "\(message)"])
            return .resumed(reason: "interrupted by the database: \(message)")
        }
        switch error {
        case JobFailure.discard(let reason):
            logger.error("job discarded", metadata: ["error": "\(reason)"])
            return .discarded(error: reason)
        case JobFailure.retry(let after, let reason) where !outOfAttempts:
            logger.warning("job will retry", metadata: ["error": "\(reason)", "retry_in_s": "\(after.inSeconds)"])
            return .retry(delay: after, error: reason)
        default:
            let message = ErrorSummary.oneLine(error)
            if outOfAttempts {
                logger.error("job failed on its last attempt; discarded", metadata: ["error": "\(message)", "attempt": "\(job.attempt)"])
                return .discarded(error: message)
            }
            let delay = (policy?.backoff ?? backoff).delay(afterAttempt: job.attempt)
            logger.warning("job failed; will retry", metadata: ["error": "\(message)", "attempt": "\(job.attempt)", "retry_in_s": "\(delay.inSeconds)"])
            return .retry(delay: delay, error: message)
        }
    }
}
