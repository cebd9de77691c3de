import Logging
import PostgresNIO
import PostgresResilience
import ServiceLifecycle

/// Puts back running jobs whose lease expired (their worker was killed or its machine is gone):
/// retryable at once, or discarded when out of attempts. Safe to run in several processes at
/// once: each round takes its rows with SKIP LOCKED.
public struct LeaseRescuer: Service {
    let client: DatabaseClient
    let interval: Duration
    let batchSize: Int
    let hooks: JobHooks
    let logger: Logger

    /// A rescuer checking every `interval`, `batchSize` jobs per statement; `hooks` run in the
    /// transaction of each rescue.
    public init(
        client: DatabaseClient, interval: Duration = .seconds(5), batchSize: Int = 1000, hooks: JobHooks = JobHooks(),
        logger: Logger
    ) {
        precondition(batchSize > 0, "the rescuer takes at least one job per statement")
        self.client = client
        self.hooks = hooks
        self.interval = interval
        self.batchSize = batchSize
        self.logger = logger
    }

    public func run() async throws {
        await PeriodicDuty(name: "lease rescue", interval: interval, logger: logger) {
            _ = try await rescueOnce()
        }.run()
    }

    /// Rescues what has expired now; returns how many jobs were put back or discarded.
    @discardableResult
    public func rescueOnce() async throws -> Int {
        var total = 0
        // Jobs whose hook failed this round: rescued in a later round, not in the way of the rest.
        var skipped: [Int64] = []
        while true {
            let ends: [JobEnd]
            do {
                ends = try await rescueBatch(skipping: skipped)
            } catch let failure as JobHookFailure {
                logger.error("a lifecycle hook failed; rescuing the other jobs without that one, which is tried again next round", metadata: [
                    "job_id": "\(failure.jobID)", "error": "\(failure)"])
                skipped.append(failure.jobID)
                continue
            }
            let count = ends.count
            for queue in Set(ends.filter { $0.state == .retryable }.map(\.queue)) {
                try await client.query(JobSQL.notify(.inserted(queue: queue)), logger: logger)
            }
            total += count
            if count < batchSize { return total }
        }
    }

    /// Rescues one batch of expired jobs, but those in `skipping`, with their hooks, in one transaction.
    private func rescueBatch(skipping: [Int64]) async throws -> [JobEnd] {
        let ends = try await client.transaction(logger: logger) { [self] connection in
            var ends: [JobEnd] = []
            let rows = try await connection.query(JobSQL.rescueExpired(limit: batchSize, skipping: skipping), logger: logger)
            for try await (id, queue, state, kind, attempt) in rows.decode((Int64, String, String, String, Int32).self) {
                ends.append(JobEnd(id: id, kind: kind, queue: queue, state: JobState(rawValue: state) ?? .retryable, attempt: attempt))
            }
            try await hooks.run(ends.filter { hooks.handles($0.kind) }, on: connection)
            return ends
        }
        for end in ends {
            logger.warning("rescued a job whose lease expired", metadata: ["job_id": "\(end.id)", "state": "\(end.state.rawValue)"])
        }
        return ends
    }
}
