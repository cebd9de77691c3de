import Logging
import PostgresNIO
import ServiceLifecycle

/// Puts back running jobs whose lease expired (their worker was killed or its machine is gone):
/// retryable at once, or discarded when out of attempts. Safe to run in several processes at
/// once: each round takes its rows with SKIP LOCKED.
public struct LeaseRescuer: Service {
    let client: PostgresClient
    let interval: Duration
    let batchSize: Int
    let logger: Logger

    /// A rescuer checking every `interval`, `batchSize` jobs per statement.
    public init(client: PostgresClient, interval: Duration = .seconds(5), batchSize: Int = 1000, logger: Logger) {
        precondition(batchSize > 0, "the rescuer takes at least one job per statement")
        self.client = client
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
        while true {
            var queues = Set<String>()
            var count = 0
            let rows = try await client.query(JobSQL.rescueExpired(limit: batchSize), logger: logger)
            for try await (id, queue, state) in rows.decode((Int64, String, String).self) {
                count += 1
                if state == JobState.retryable.rawValue { queues.insert(queue) }
                logger.warning("rescued a job whose lease expired", metadata: ["job_id": "\(id)", "state": "\(state)"])
            }
            for queue in queues {
                try await client.query(JobSQL.notify(channel: JobQueue.notificationChannel, payload: "insert:\(queue)"), logger: logger)
            }
            total += count
            if count < batchSize { return total }
        }
    }
}
