import Logging
import PostgresNIO
import ServiceLifecycle

/// How long finished jobs and silent worker rows are kept.
public struct RetentionPolicy: Sendable {
    /// Completed jobs are deleted after this age.
    public var completed: Duration
    /// Discarded jobs (kept longer: operators read their errors).
    public var discarded: Duration
    /// Cancelled jobs.
    public var cancelled: Duration
    /// Worker rows that stopped heartbeating this long ago.
    public var deadWorkers: Duration

    /// A policy; the defaults are one day for completed jobs and a week for the rest.
    public init(
        completed: Duration = .seconds(86_400), discarded: Duration = .seconds(7 * 86_400),
        cancelled: Duration = .seconds(7 * 86_400), deadWorkers: Duration = .seconds(7 * 86_400)
    ) {
        self.completed = completed
        self.discarded = discarded
        self.cancelled = cancelled
        self.deadWorkers = deadWorkers
    }
}

/// Deletes finished jobs older than the retention policy, in bounded batches.
public struct JobPruner: Service {
    let client: PostgresClient
    let retention: RetentionPolicy
    let interval: Duration
    let batchSize: Int
    let logger: Logger

    /// A pruner running every `interval`.
    public init(
        client: PostgresClient, retention: RetentionPolicy = RetentionPolicy(), interval: Duration = .seconds(60),
        batchSize: Int = 10_000, logger: Logger
    ) {
        precondition(batchSize > 0, "the pruner deletes at least one job per statement")
        self.client = client
        self.retention = retention
        self.interval = interval
        self.batchSize = batchSize
        self.logger = logger
    }

    public func run() async throws {
        await PeriodicDuty(name: "job pruning", interval: interval, logger: logger) {
            _ = try await pruneOnce()
        }.run()
    }

    /// Prunes what is due now; returns how many jobs were deleted.
    @discardableResult
    public func pruneOnce() async throws -> Int {
        var total = 0
        for (state, age) in [(JobState.completed, retention.completed), (.discarded, retention.discarded), (.cancelled, retention.cancelled)] {
            var deleted = 0
            repeat {
                deleted = try await count(JobSQL.prune(state: state, olderThanSeconds: age.inSeconds, limit: batchSize))
                total += deleted
            } while deleted == batchSize
        }
        let workers = try await count(JobSQL.pruneDeadWorkers(olderThanSeconds: retention.deadWorkers.inSeconds))
        if total + workers > 0 {
            logger.info("pruned finished jobs", metadata: ["jobs": "\(total)", "dead_workers": "\(workers)"])
        }
        return total
    }

    private func count(_ query: PostgresQuery) async throws -> Int {
        for try await count in try await client.query(query, logger: logger).decode(Int64.self) { return Int(count) }
        return 0
    }
}
