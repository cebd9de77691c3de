import Foundation
import JobQueue
import Logging
import PostgresNIO
import PostgresResilience

/// Everything `buddi status` and `GET /api/scheduler/status` report, read from the database
/// so that it is the same from any machine. The JSON keys are snake_case (its CodingKeys).
package struct ClusterStatus: Codable, Sendable {
    /// Scheduling is enabled (`buddi start`); the original's key.
    package var isRunning: Bool
    /// The scheduler replica that leads, if any holds a valid lease.
    package var schedulerLeader: Leader?
    package var fetchIntervalHours: Int
    package var maxConversationsPerFetch: Int
    package var minFetchSpacingSeconds: Int
    package var errorRecoverySeconds: Int
    /// When the last fetch began (or was asked for, if it has not begun).
    package var lastFetchTime: Date?
    package var lastFetchOutcome: String?
    package var lastFetchError: String?
    package var lastFetchJobID: Int64?
    package var lastFetch: FetchSummary?
    /// When the next scheduled fetch is due (a past time means at the next tick); nil while
    /// stopped or while a fetch is in progress.
    package var nextFetchTime: Date?
    package var fetchInProgress: Bool
    package var fetchInProgressJobID: Int64?
    package var workers: Workers
    package var queue: Queue
    package var conversations: ConversationCounts
    package var last24h: LastDay
    /// The database's disk, as the process answering knows it.
    package var databaseDisk: DiskCondition?

    /// The counts of a finished fetch.
    package struct FetchSummary: Codable, Sendable {
        package var trigger: String
        package var pages: Int?
        package var memoriesSeen: Int?
        package var new: Int?
        package var duplicates: Int?
        package var rejected: Int?
        package var durationSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case trigger, pages, new, duplicates, rejected
            case memoriesSeen = "memories_seen"
            case durationSeconds = "duration_seconds"
        }
    }

    /// Worker processes: alive if they heartbeated within 30 s.
    package struct Workers: Codable, Sendable {
        package var alive: Int
        package var dead: Int
        package var processes: [Process]

        package struct Process: Codable, Sendable {
            package var id: String
            package var host: String
            package var pid: Int32
            package var queues: [String]
            package var concurrency: Int32
            package var alive: Bool
            package var secondsSinceHeartbeat: Double

            enum CodingKeys: String, CodingKey {
                case id, host, pid, queues, concurrency, alive
                case secondsSinceHeartbeat = "seconds_since_heartbeat"
            }
        }
    }

    /// Jobs by state (all queues), and how long the oldest due job has waited.
    package struct Queue: Codable, Sendable {
        package var byState: [String: Int]
        package var waiting: Int
        package var oldestWaitingSeconds: Double
        /// The queues paused for the whole cluster (`buddi jobs pause`).
        package var pausedQueues: [String]
        /// Whether every count of `byState` was counted (finished jobs are estimated above 1,000
        /// per queue and state).
        package var exact: Bool

        enum CodingKeys: String, CodingKey {
            case waiting, exact
            case byState = "by_state"
            case oldestWaitingSeconds = "oldest_waiting_seconds"
            case pausedQueues = "paused_queues"
        }
    }

    /// Each count is exact up to ``BoundedCount/defaultCap`` and estimated above it (then
    /// `exact` is false), so a status over a million conversations costs milliseconds.
    package struct ConversationCounts: Codable, Sendable {
        package var total: Int
        package var processed: Int
        package var pending: Int
        package var failed: Int
        /// Memories fetches could not store (`buddi rejected`).
        package var rejected: Int
        /// Whether every count was counted (none estimated).
        package var exact: Bool
    }

    /// Rates over the last 24 hours (nil when there was nothing to rate).
    package struct LastDay: Codable, Sendable {
        package var fetchesSucceeded: Int
        package var fetchesFailed: Int
        package var fetchSuccessRate: Double?
        package var conversationsProcessed: Int
        package var conversationsFailed: Int
        package var processingErrorRate: Double?
        package var jobsCompleted: Int
        package var jobsDiscarded: Int
        package var jobErrors: Int
        /// Memories rejected (met by a fetch or a webhook delivery) in the last 24 hours.
        package var memoriesRejected: Int
        /// Webhook deliveries in the last 24 hours by outcome (stored, duplicate, rejected,
        /// unauthorized, unavailable; see ``WebhookOutcome``).
        package var webhookDeliveries: [String: Int]
        /// Whether every count was counted (none estimated: see ``ConversationCounts``).
        package var exact: Bool

        enum CodingKeys: String, CodingKey {
            case fetchesSucceeded = "fetches_succeeded"
            case fetchesFailed = "fetches_failed"
            case fetchSuccessRate = "fetch_success_rate"
            case conversationsProcessed = "conversations_processed"
            case conversationsFailed = "conversations_failed"
            case processingErrorRate = "processing_error_rate"
            case jobsCompleted = "jobs_completed"
            case jobsDiscarded = "jobs_discarded"
            case jobErrors = "job_errors"
            case memoriesRejected = "memories_rejected"
            case webhookDeliveries = "webhook_deliveries"
            case exact
        }
    }

    enum CodingKeys: String, CodingKey {
        case workers, queue, conversations
        case isRunning = "is_running"
        case schedulerLeader = "scheduler_leader"
        case fetchIntervalHours = "fetch_interval_hours"
        case maxConversationsPerFetch = "max_conversations_per_fetch"
        case minFetchSpacingSeconds = "min_fetch_spacing_seconds"
        case errorRecoverySeconds = "error_recovery_seconds"
        case lastFetchTime = "last_fetch_time"
        case lastFetchOutcome = "last_fetch_outcome"
        case lastFetchError = "last_fetch_error"
        case lastFetchJobID = "last_fetch_job_id"
        case lastFetch = "last_fetch"
        case nextFetchTime = "next_fetch_time"
        case fetchInProgress = "fetch_in_progress"
        case databaseDisk = "database_disk"
        case fetchInProgressJobID = "fetch_in_progress_job_id"
        case last24h = "last_24h"
    }
}

extension ClusterStatus {
    /// Reads the status now: its independent parts at once, each on a connection of its own, so
    /// the status takes about as long as its slowest part rather than the sum of them.
    package static func read(client: DatabaseClient, settings: SchedulerSettingsStore, logger: Logger) async throws -> ClusterStatus {
        let requests = FetchRequests(client: client, settings: settings, logger: logger)
        let queue = Pipeline.queue(client: client, logger: logger)
        async let conversationCounts = ConversationCounts.read(client: client, logger: logger)
        async let lastDayCounts = lastDay(client: client, logger: logger)
        async let queueDepth = queue.depth()
        async let registered = queue.workers()
        async let paused = queue.pausedQueues()
        async let leader = LeaderElector.currentLeader(of: Scheduler.electionName, client: client, logger: logger)
        let schedule = try await client.withConnection { try await requests.schedule(on: $0) }
        let workers = try await registered
        let depth = try await queueDepth
        var byState: [String: Int] = [:]
        for entry in depth { byState[entry.state.rawValue, default: 0] += entry.count }
        let waiting = depth.filter { $0.state == .available || $0.state == .retryable }
        let last = schedule.last
        return ClusterStatus(
            isRunning: schedule.settings.enabled,
            schedulerLeader: try await leader,
            fetchIntervalHours: schedule.settings.fetchIntervalHours,
            maxConversationsPerFetch: schedule.settings.maxConversationsPerFetch,
            minFetchSpacingSeconds: schedule.settings.minFetchSpacingSeconds,
            errorRecoverySeconds: schedule.settings.errorRecoverySeconds,
            lastFetchTime: last?.beganAt, lastFetchOutcome: last?.outcome.rawValue, lastFetchError: last?.error,
            lastFetchJobID: last?.jobID,
            lastFetch: last.map {
                FetchSummary(
                    trigger: $0.trigger.rawValue, pages: $0.pages, memoriesSeen: $0.memoriesSeen, new: $0.new,
                    duplicates: $0.duplicates, rejected: $0.rejected, durationSeconds: $0.durationSeconds)
            },
            nextFetchTime: schedule.nextFetch.map { $0 == .distantPast ? Date() : $0 },
            fetchInProgress: schedule.inProgress, fetchInProgressJobID: schedule.inProgressJobID,
            workers: Workers(
                alive: workers.filter { $0.isAlive() }.count, dead: workers.filter { !$0.isAlive() }.count,
                processes: workers.map {
                    .init(
                        id: $0.id, host: $0.host, pid: $0.pid, queues: $0.queues, concurrency: $0.concurrency, alive: $0.isAlive(),
                        secondsSinceHeartbeat: $0.secondsSinceHeartbeat)
                }),
            queue: Queue(
                byState: byState, waiting: waiting.reduce(0) { $0 + $1.count },
                oldestWaitingSeconds: waiting.map(\.oldestWaitingSeconds).max() ?? 0,
                pausedQueues: try await paused, exact: depth.allSatisfy(\.exact)),
            conversations: try await conversationCounts,
            last24h: try await lastDayCounts)
    }

}

extension ClusterStatus.ConversationCounts {
    /// The counts now; `exactly` counts every row (for a benchmark's or a check's figures).
    package static func read(client: DatabaseClient, logger: Logger, exactly: Bool = false) async throws -> Self {
        var counts = BoundedCounts(client: client, logger: logger, cap: exactly ? nil : BoundedCount.defaultCap)
        let total = try await counts.count("conversations")
        let processed = try await counts.count("conversations", "processing_state = \(ProcessingState.processed.sql)")
        let pending = try await counts.count("conversations", "processing_state = \(ProcessingState.pending.sql)")
        let failed = try await counts.count("conversations", "processing_state = \(ProcessingState.failed.sql)")
        let rejected = try await counts.count("rejected_memories")
        return Self(total: total, processed: processed, pending: pending, failed: failed, rejected: rejected, exact: counts.exact)
    }
}

extension ClusterStatus {
    /// Webhook deliveries in the last 24 hours by outcome, every ``WebhookOutcome`` present
    /// (acknowledged ones counted up to 1,000 and estimated above).
    package static func webhookDeliveriesLastDay(client: DatabaseClient, logger: Logger) async throws -> [String: Int] {
        var counts = BoundedCounts(client: client, logger: logger)
        var deliveries: [String: Int] = [:]
        for outcome in [WebhookOutcome.stored, .duplicate, .rejected] {
            deliveries[outcome.rawValue] = try await counts.count(
                "webhook_deliveries", "received_at > now() - interval '24 hours' AND outcome = '\(outcome.rawValue)'")
        }
        for outcome in [WebhookOutcome.unauthorized, .unavailable] { deliveries[outcome.rawValue] = 0 }
        for try await (outcome, refused) in try await client.query(ControlSQL.webhookRefusalsLastDay, logger: logger).decode((String, Int64).self) {
            deliveries[outcome] = Int(refused)
        }
        return deliveries
    }

    private static func lastDay(client: DatabaseClient, logger: Logger) async throws -> LastDay {
        var counts = BoundedCounts(client: client, logger: logger)
        let day = "now() - interval '24 hours'"
        let succeeded = try await counts.count("fetch_runs", "requested_at > \(day) AND outcome = \(FetchOutcome.succeeded.sql)")
        let failed = try await counts.count("fetch_runs", "requested_at > \(day) AND outcome = \(FetchOutcome.failed.sql)")
        let processed = try await counts.count(
            "conversations", "processing_state = \(ProcessingState.processed.sql) AND processed_at > \(day)")
        let processingFailed = try await counts.count(
            "conversations", "processing_state = \(ProcessingState.failed.sql) AND updated_at > \(day)")
        let completed = try await counts.count("jobs", "state = 'completed' AND finished_at > \(day)")
        let discarded = try await counts.count("jobs", "state = 'discarded' AND finished_at > \(day)")
        let rejected = try await counts.count("rejected_memories", "last_seen_at > \(day)")
        // Failed attempts: summed over the jobs that had them when those are few, and above the
        // cap their estimated number times the attempts per job of the first ones.
        let errored = try await counts.count("jobs", ControlSQL.jobsWithErrorsLastDay)
        var errors = 0
        for try await (sampled, attempts) in try await client.query(
            ControlSQL.jobErrorsSample(limit: BoundedCount.defaultCap + 1), logger: logger
        ).decode((Int64, Int64).self) {
            errors = sampled <= BoundedCount.defaultCap
                ? Int(attempts) : Int((Double(attempts) / Double(sampled) * Double(errored)).rounded())
        }
        let deliveries = try await webhookDeliveriesLastDay(client: client, logger: logger)
        let fetches = succeeded + failed
        let conversations = processed + processingFailed
        return LastDay(
            fetchesSucceeded: succeeded, fetchesFailed: failed,
            fetchSuccessRate: fetches > 0 ? Double(succeeded) / Double(fetches) : nil,
            conversationsProcessed: processed, conversationsFailed: processingFailed,
            processingErrorRate: conversations > 0 ? Double(processingFailed) / Double(conversations) : nil,
            jobsCompleted: completed, jobsDiscarded: discarded, jobErrors: errors, memoriesRejected: rejected,
            webhookDeliveries: deliveries, exact: counts.exact)
    }
}

/// Several ``BoundedCount``s, and whether all of them were exact.
struct BoundedCounts {
    let client: DatabaseClient
    let logger: Logger
    let cap: Int?
    private(set) var exact = true

    init(client: DatabaseClient, logger: Logger, cap: Int? = BoundedCount.defaultCap) {
        self.client = client
        self.logger = logger
        self.cap = cap
    }

    /// The rows of `table` that meet `condition` (all of them without one), counted or estimated.
    mutating func count(_ table: String, _ condition: String? = nil) async throws -> Int {
        let rows = "FROM \(table)" + (condition.map { " WHERE \($0)" } ?? "")
        let count = try await BoundedCount.count(rows, cap: cap, table: table, client: client, logger: logger)
        exact = exact && count.exact
        return count.value
    }
}
