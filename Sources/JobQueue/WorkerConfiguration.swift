import Foundation

/// How a worker process claims and runs jobs.
public struct WorkerConfiguration: Sendable {
    /// This process's id in the `workers` table and on the jobs it holds.
    public var workerID: String
    /// The queues it claims from.
    public var queues: [String]
    /// How many jobs it runs at once.
    public var concurrency: Int
    /// The most jobs one claim statement takes.
    public var claimBatchSize: Int
    /// The most outcomes one completion statement records.
    public var completionBatchSize: Int
    /// How long the first outcome of a batch may wait for others to join it before they are
    /// written (unless the batch fills first; shutdown writes at once). One commit, and its WAL
    /// flush, then records every job that finished meanwhile, instead of one flush per job or
    /// two. Under a steady stream of short jobs the flushes also stop queuing in front of other
    /// sessions' commits, an enqueue's among them. Zero writes as soon as the previous flush is
    /// done. An outcome not yet written is lost with its process like a job still running: its
    /// lease expires and the job runs again. At most ``maxCompletionDelay``.
    public var completionDelay: Duration
    /// How often an idle worker polls, in case a notification was lost.
    public var pollInterval: Duration
    /// How long a busy worker may wait, after a claim, for enough slots to free up for a full
    /// claim (half its concurrency, at most a batch) before it claims for the slots it has. Fewer,
    /// larger claims spare the database a statement per job or two under load; an idle worker
    /// claims at once.
    public var claimCooldown: Duration
    /// How long a claimed job is leased; a worker that stops heartbeating loses its jobs after it.
    public var leaseDuration: Duration
    /// How often leases and the worker's row are refreshed; well under `leaseDuration`.
    public var heartbeatInterval: Duration
    /// On shutdown, how long running jobs may take to finish before they are released.
    public var shutdownGrace: Duration
    /// The backoff between attempts of a failing job.
    public var backoff: JobBackoff
    /// Whether the worker LISTENs for new jobs and cancellations (`true`), or only polls every
    /// `pollInterval` (`false`): the mode for a connection pooler in transaction-pooling mode
    /// (PgBouncer), where a LISTEN would hold no session. Cancellations then reach a running
    /// job with its next heartbeat.
    public var listens: Bool
    /// How the hot statements are sent: prepared once per connection (the default), or unnamed,
    /// for a connection pooler in transaction-pooling mode (PgBouncer before 1.21).
    public var statements: StatementMode

    /// Moments the worker raises for a test to wait on; nil (none) outside tests.
    package var testSignals: WorkerTestSignals?

    /// A configuration; the heartbeat defaults to a third of the lease.
    public init(
        workerID: String = WorkerConfiguration.defaultWorkerID(),
        queues: [String] = ["default"],
        concurrency: Int = 10,
        claimBatchSize: Int = 100,
        completionBatchSize: Int = 2000,
        completionDelay: Duration = WorkerConfiguration.defaultCompletionDelay,
        pollInterval: Duration = .seconds(1),
        claimCooldown: Duration = .milliseconds(5),
        leaseDuration: Duration = .seconds(30),
        heartbeatInterval: Duration? = nil,
        shutdownGrace: Duration = .seconds(20),
        backoff: JobBackoff = JobBackoff(),
        listens: Bool = true,
        statements: StatementMode = .prepared
    ) {
        self.workerID = workerID
        self.queues = queues
        self.concurrency = concurrency
        self.claimBatchSize = claimBatchSize
        self.completionBatchSize = completionBatchSize
        self.completionDelay = completionDelay
        self.pollInterval = pollInterval
        self.claimCooldown = claimCooldown
        self.leaseDuration = leaseDuration
        self.heartbeatInterval = heartbeatInterval ?? leaseDuration / 3
        self.shutdownGrace = shutdownGrace
        self.backoff = backoff
        self.listens = listens
        self.statements = statements
    }

    /// The longest ``completionDelay`` allowed: half of what is left of a lease after its last
    /// heartbeat. A finished job is no longer heartbeated, so its outcome must be written, delay
    /// and flush included, before its lease runs out and a rescue runs it again.
    public var maxCompletionDelay: Duration { (leaseDuration - heartbeatInterval) / 2 }

    /// The fewest free slots a busy worker claims for before its cooldown has passed.
    var fullClaim: Int { max(1, min(claimBatchSize, concurrency / 2)) }

    /// The default ``completionDelay``: 20 ms. A job's outcome is then visible at most that much
    /// later; River's batch completer, for comparison, flushes every 50 ms once 100 outcomes wait
    /// and every 250 ms otherwise.
    public static let defaultCompletionDelay: Duration = .milliseconds(20)

    /// `host-pid-random`: unique across machines and restarts.
    public static func defaultWorkerID() -> String {
        let host = ProcessInfo.processInfo.hostName
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(suffix)"
    }

    /// Rejects impossible settings, naming the one that is wrong.
    public func validate() throws(JobQueueError) {
        if workerID.isEmpty { throw .invalidConfiguration("worker id must not be empty") }
        if queues.isEmpty || queues.contains("") { throw .invalidConfiguration("at least one non-empty queue name is needed") }
        if concurrency < 1 { throw .invalidConfiguration("concurrency must be at least 1, got \(concurrency)") }
        if claimBatchSize < 1 { throw .invalidConfiguration("claim batch size must be at least 1, got \(claimBatchSize)") }
        if completionBatchSize < 1 { throw .invalidConfiguration("completion batch size must be at least 1, got \(completionBatchSize)") }
        if pollInterval <= .zero { throw .invalidConfiguration("poll interval must be positive") }
        if claimCooldown < .zero || claimCooldown >= pollInterval {
            throw .invalidConfiguration("claim cooldown must not be negative and must be shorter than the poll interval (\(pollInterval))")
        }
        if leaseDuration <= .zero { throw .invalidConfiguration("lease duration must be positive") }
        if heartbeatInterval <= .zero || heartbeatInterval >= leaseDuration {
            throw .invalidConfiguration("heartbeat interval must be positive and shorter than the lease (\(leaseDuration))")
        }
        if completionDelay < .zero || completionDelay >= maxCompletionDelay {
            throw .invalidConfiguration("completion delay must not be negative and must be under half of what is left of a lease after a heartbeat (\(maxCompletionDelay))")
        }
        if shutdownGrace < .zero { throw .invalidConfiguration("shutdown grace must not be negative") }
        if backoff.base <= .zero || backoff.cap < backoff.base {
            throw .invalidConfiguration("retry backoff base must be positive and no more than its cap")
        }
    }
}
