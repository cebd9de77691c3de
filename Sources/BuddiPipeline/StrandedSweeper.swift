import JobQueue
import Logging
import Metrics
import PostgresNIO
import PostgresResilience
import ServiceLifecycle

/// A maintenance duty (run by the maintenance leader only): finds conversations left pending
/// with nothing to process them — their process job discarded, or their ids held only in the
/// checkpoint of a fetch that ended — once they are older than a grace period, and enqueues
/// process jobs for them. Counted in `buddi_stranded_conversations_swept_total`. It leaves alone
/// a conversation whose process job an operator cancelled, and one that three discarded jobs
/// held (see ``abandonedCount(fetchJobID:)``).
package struct StrandedSweeper: Service {
    let client: DatabaseClient
    let interval: Duration
    let grace: Duration
    let logger: Logger
    /// Conversations taken per round at most.
    static let batchLimit = 1000
    /// How often a sweep looks. Defaults to 60 seconds.
    package static let intervalDefault: Duration = .seconds(60)
    /// How long a pending conversation must wait, uncovered, before a sweep takes it: longer than
    /// a fetch takes to enqueue what it stored. Defaults to 5 minutes.
    package static let graceDefault: Duration = .seconds(300)
    /// The longest interval or grace a sweep accepts: beyond it a Duration would overflow. A
    /// week.
    package static let longestSetting: Duration = .seconds(7 * 86_400)

    /// A sweeper looking every `interval` for conversations stranded longer than `grace`.
    package init(client: DatabaseClient, interval: Duration = intervalDefault, grace: Duration = graceDefault, logger: Logger) {
        self.client = client
        self.interval = interval
        self.grace = grace
        self.logger = logger
    }

    /// How many conversations of fetch `fetchJobID` are pending with nothing that will process
    /// them: their process job was cancelled, or three were discarded.
    package static func abandonedCount(fetchJobID: Int64, client: DatabaseClient, logger: Logger) async throws -> Int {
        for try await count in try await client.query(StrandedWorkSQL.abandoned(fetchJobID: fetchJobID), logger: logger).decode(Int64.self) {
            return Int(count)
        }
        return 0
    }

    package func run() async throws {
        await PeriodicDuty(name: "stranded-work sweep", interval: interval, logger: logger) {
            _ = try await sweepOnce()
        }.run()
    }

    /// Enqueues process jobs for what is stranded now; returns how many conversations they cover.
    @discardableResult
    package func sweepOnce() async throws -> Int {
        var total = 0
        while true {
            let (graceSeconds, logger, queue) = (grace.inSeconds, logger, Pipeline.queue(client: client, logger: logger))
            let swept = try await client.transaction(logger: logger) { connection in
                var ids: [Int64] = []
                let rows = try await connection.query(StrandedWorkSQL.take(graceSeconds: graceSeconds, limit: Self.batchLimit), logger: logger)
                for try await id in rows.decode(Int64.self) { ids.append(id) }
                let jobs = try stride(from: 0, to: ids.count, by: Pipeline.processBatchSize).map { start in
                    try NewJob(ProcessArgs(conversationIDs: Array(ids[start..<min(start + Pipeline.processBatchSize, ids.count)])))
                }
                try await queue.enqueue(jobs, on: connection)
                return ids
            }
            if !swept.isEmpty {
                Counter(label: "buddi_stranded_conversations_swept_total").increment(by: swept.count)
                logger.warning("enqueued processing for conversations nothing was going to process", metadata: [
                    "conversations": "\(swept.count)", "first_id": "\(swept[0])"])
            }
            total += swept.count
            if swept.count < Self.batchLimit { return total }
        }
    }
}
