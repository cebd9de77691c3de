import PostgresResilience
import Logging
import PostgresNIO
import ServiceLifecycle

/// How long finished jobs and silent worker rows are kept.
public struct RetentionPolicy: Sendable {
    /// How long completed jobs are kept by default. Defaults to 24 hours.
    public static let completedDefault: Duration = .seconds(86_400)
    /// How long discarded and cancelled jobs, and silent worker rows, are kept by default.
    /// Defaults to 7 days.
    public static let otherDefault: Duration = .seconds(7 * 86_400)

    /// Completed jobs are deleted after this age.
    public var completed: Duration
    /// Discarded jobs (kept longer: operators read their errors).
    public var discarded: Duration
    /// Cancelled jobs.
    public var cancelled: Duration
    /// Worker rows that stopped heartbeating this long ago.
    public var deadWorkers: Duration

    /// A policy; the defaults are ``completedDefault`` and ``otherDefault``.
    public init(
        completed: Duration = completedDefault, discarded: Duration = otherDefault,
        cancelled: Duration = otherDefault, deadWorkers: Duration = otherDefault
    ) {
        self.completed = completed
        self.discarded = discarded
        self.cancelled = cancelled
        self.deadWorkers = deadWorkers
    }
}

/// Deletes finished jobs older than the retention policy, in bounded batches.
public struct JobPruner: Service {
    let client: DatabaseClient
    let retention: RetentionPolicy
    let interval: Duration
    let batchSize: Int
    /// How long one round deletes before it hands over to the next, which follows at once while a
    /// backlog remains: well within the duty's deadline, whatever the backlog.
    let roundBudget: Duration
    let logger: Logger

    /// A pruner running every `interval`.
    public init(
        client: DatabaseClient, retention: RetentionPolicy = RetentionPolicy(), interval: Duration = .seconds(60),
        batchSize: Int = 10_000, roundBudget: Duration = .seconds(30), logger: Logger
    ) {
        precondition(batchSize > 0, "the pruner deletes at least one job per statement")
        self.client = client
        self.retention = retention
        self.interval = interval
        self.batchSize = batchSize
        self.roundBudget = roundBudget
        self.logger = logger
    }

    public func run() async throws {
        await PeriodicDuty(name: "job pruning", interval: interval, logger: logger) {
            try await prune(within: roundBudget).backlog
        }.run()
    }

    /// Prunes what is due now; returns how many jobs were deleted.
    @discardableResult
    public func pruneOnce() async throws -> Int {
        try await prune(within: nil).deleted
    }

    /// Prunes what is due, batch by batch, until none is left or `budget` has passed (at least
    /// one batch of each state either way); returns how many jobs were deleted and whether some
    /// may be left.
    private func prune(within budget: Duration?) async throws -> (deleted: Int, backlog: Bool) {
        let start = ContinuousClock.now
        var total = 0
        var backlog = false
        for (state, age) in [(JobState.completed, retention.completed), (.discarded, retention.discarded), (.cancelled, retention.cancelled)] {
            var deleted = 0
            repeat {
                deleted = try await count(JobSQL.prune(state: state, olderThanSeconds: age.inSeconds, limit: batchSize))
                total += deleted
                if deleted == batchSize, let budget, ContinuousClock.now - start >= budget {
                    backlog = true
                    break
                }
            } while deleted == batchSize
        }
        let workers = try await count(JobSQL.pruneDeadWorkers(olderThanSeconds: retention.deadWorkers.inSeconds))
        if total + workers > 0 {
            logger.info("pruned finished jobs", metadata: ["jobs": "\(total)", "dead_workers": "\(workers)", "backlog": "\(backlog)"])
        }
        return (total, backlog)
    }

    private func count(_ query: PostgresQuery) async throws -> Int {
        for try await count in try await client.query(query, logger: logger).decode(Int64.self) { return Int(count) }
        return 0
    }
}
