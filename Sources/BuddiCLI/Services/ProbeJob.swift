import PostgresResilience
import JobQueue
import PostgresNIO

/// The `probe` job: a diagnostic that checks the queue end to end. It can sleep, fail its first
/// attempts, ask to be discarded or retried later, and finally records its id in `probe_runs`
/// under a primary key, so a job that ran twice is an error and a job that never ran is missing.
struct ProbeArgs: JobArgs {
    static let kind = "probe"

    /// Sleep this long first (the sleep ends early on cancellation).
    var sleepMs: Int?
    /// Fail while the attempt number is at most this.
    var failAttempts: Int?
    /// Say "discard now" instead of failing normally.
    var discard: Bool?
    /// When failing, ask to be retried after this long.
    var retryAfterMs: Int?
}

/// What a probe returns as its job result.
struct ProbeResult: Codable, Sendable {
    var workerID: String
    var attempt: Int32
}

/// A failure the probe was asked to produce.
struct ProbeFailure: Error, CustomStringConvertible {
    let attempt: Int32
    var description: String { "probe failed on purpose on attempt \(attempt)" }
}

/// The probe job's handler.
enum ProbeJob {
    /// Registers the probe handler, recording runs through `client`.
    static func register(into registry: inout JobRegistry, client: DatabaseClient) {
        registry.register(ProbeArgs.self) { args, context in
            if let sleepMs = args.sleepMs, sleepMs > 0 { try await Task.sleep(for: .milliseconds(sleepMs)) }
            if context.attempt <= Int32(args.failAttempts ?? 0) {
                if args.discard == true { throw JobFailure.discard(reason: "probe asked to be discarded") }
                if let retryAfterMs = args.retryAfterMs {
                    throw JobFailure.retry(after: .milliseconds(retryAfterMs), reason: "probe asked to retry later")
                }
                throw ProbeFailure(attempt: context.attempt)
            }
            try await client.query(
                "INSERT INTO probe_runs (job_id, attempt, worker_id) VALUES (\(context.jobID), \(context.attempt), \(context.workerID))",
                logger: context.logger)
            return ProbeResult(workerID: context.workerID, attempt: context.attempt)
        }
    }
}
