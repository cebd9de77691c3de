import BuddiPipeline
import BuddiScheduler
import Foundation
import JobQueue
import Logging
import PostgresNIO

/// Everything `buddi status` and `GET /api/scheduler/status` report, read from the database
/// so that it is the same from any machine. Property names are the JSON keys.
public struct ClusterStatus: Codable, Sendable {
    /// Scheduling is enabled (`buddi start`); the original's key.
    public var is_running: Bool
    /// The scheduler replica that leads, if any holds a valid lease.
    public var scheduler_leader: Leader?
    public var fetch_interval_hours: Int
    public var max_conversations_per_fetch: Int
    public var min_fetch_spacing_seconds: Int
    public var error_recovery_seconds: Int
    /// When the last fetch began (or was asked for, if it has not begun).
    public var last_fetch_time: Date?
    public var last_fetch_outcome: String?
    public var last_fetch_error: String?
    public var last_fetch_job_id: Int64?
    public var last_fetch: FetchSummary?
    /// When the next scheduled fetch is due (a past time means at the next tick); nil while
    /// stopped or while a fetch is in progress.
    public var next_fetch_time: Date?
    public var fetch_in_progress: Bool
    public var fetch_in_progress_job_id: Int64?
    public var workers: Workers
    public var queue: Queue
    public var conversations: ConversationCounts
    public var last_24h: LastDay

    /// The counts of a finished fetch.
    public struct FetchSummary: Codable, Sendable {
        public var trigger: String
        public var pages: Int?
        public var memories_seen: Int?
        public var new: Int?
        public var duplicates: Int?
        public var rejected: Int?
        public var duration_seconds: Double?
    }

    /// Worker processes: alive if they heartbeated within 30 s.
    public struct Workers: Codable, Sendable {
        public var alive: Int
        public var dead: Int
        public var processes: [Process]

        public struct Process: Codable, Sendable {
            public var id: String
            public var host: String
            public var pid: Int32
            public var queues: [String]
            public var concurrency: Int32
            public var alive: Bool
            public var seconds_since_heartbeat: Double
        }
    }

    /// Jobs by state (all queues), and how long the oldest due job has waited.
    public struct Queue: Codable, Sendable {
        public var by_state: [String: Int]
        public var waiting: Int
        public var oldest_waiting_seconds: Double
        /// The queues paused for the whole cluster (`buddi jobs pause`).
        public var paused_queues: [String]
    }

    public struct ConversationCounts: Codable, Sendable {
        public var total: Int
        public var processed: Int
        public var pending: Int
        public var failed: Int
        /// Memories fetches could not store (`buddi rejected`).
        public var rejected: Int
    }

    /// Rates over the last 24 hours (nil when there was nothing to rate).
    public struct LastDay: Codable, Sendable {
        public var fetches_succeeded: Int
        public var fetches_failed: Int
        public var fetch_success_rate: Double?
        public var conversations_processed: Int
        public var conversations_failed: Int
        public var processing_error_rate: Double?
        public var jobs_completed: Int
        public var jobs_discarded: Int
        public var job_errors: Int
        /// Memories rejected (met by a fetch) in the last 24 hours.
        public var memories_rejected: Int
    }
}

extension ClusterStatus {
    /// Reads the status now.
    public static func read(client: PostgresClient, settings: SchedulerSettingsStore, logger: Logger) async throws -> ClusterStatus {
        let requests = FetchRequests(client: client, settings: settings, logger: logger)
        let schedule = try await client.withConnection { try await requests.schedule(on: $0) }
        let queue = Pipeline.queue(client: client, logger: logger)
        let workers = try await queue.workers()
        let depth = try await queue.depth()
        var byState: [String: Int] = [:]
        for entry in depth { byState[entry.state.rawValue, default: 0] += entry.count }
        let waiting = depth.filter { $0.state == .available || $0.state == .retryable }
        let last = schedule.last
        return ClusterStatus(
            is_running: schedule.settings.enabled,
            scheduler_leader: try await LeaderElector.currentLeader(of: Scheduler.electionName, client: client, logger: logger),
            fetch_interval_hours: schedule.settings.fetchIntervalHours,
            max_conversations_per_fetch: schedule.settings.maxConversationsPerFetch,
            min_fetch_spacing_seconds: schedule.settings.minFetchSpacingSeconds,
            error_recovery_seconds: schedule.settings.errorRecoverySeconds,
            last_fetch_time: last?.beganAt, last_fetch_outcome: last?.outcome.rawValue, last_fetch_error: last?.error,
            last_fetch_job_id: last?.jobID,
            last_fetch: last.map {
                FetchSummary(
                    trigger: $0.trigger.rawValue, pages: $0.pages, memories_seen: $0.memoriesSeen, new: $0.new,
                    duplicates: $0.duplicates, rejected: $0.rejected, duration_seconds: $0.durationSeconds)
            },
            next_fetch_time: schedule.nextFetch.map { $0 == .distantPast ? Date() : $0 },
            fetch_in_progress: schedule.inProgress, fetch_in_progress_job_id: schedule.inProgressJobID,
            workers: Workers(
                alive: workers.filter { $0.isAlive() }.count, dead: workers.filter { !$0.isAlive() }.count,
                processes: workers.map {
                    .init(
                        id: $0.id, host: $0.host, pid: $0.pid, queues: $0.queues, concurrency: $0.concurrency, alive: $0.isAlive(),
                        seconds_since_heartbeat: $0.secondsSinceHeartbeat)
                }),
            queue: Queue(
                by_state: byState, waiting: waiting.reduce(0) { $0 + $1.count },
                oldest_waiting_seconds: waiting.map(\.oldestWaitingSeconds).max() ?? 0,
                paused_queues: try await queue.pausedQueues()),
            conversations: try await conversationCounts(client: client, logger: logger),
            last_24h: try await lastDay(client: client, logger: logger))
    }

    private static func conversationCounts(client: PostgresClient, logger: Logger) async throws -> ConversationCounts {
        try await ConversationCounts.read(client: client, logger: logger)
    }
}

extension ClusterStatus.ConversationCounts {
    /// The counts now.
    public static func read(client: PostgresClient, logger: Logger) async throws -> Self {
        for try await (total, processed, pending, failed, rejected) in try await client.query(ControlSQL.conversationCounts, logger: logger)
            .decode((Int64, Int64, Int64, Int64, Int64).self)
        {
            return Self(
                total: Int(total), processed: Int(processed), pending: Int(pending), failed: Int(failed), rejected: Int(rejected))
        }
        return Self(total: 0, processed: 0, pending: 0, failed: 0, rejected: 0)
    }
}

extension ClusterStatus {

    private static func lastDay(client: PostgresClient, logger: Logger) async throws -> LastDay {
        let rows = try await client.query(ControlSQL.lastDay, logger: logger).decode((Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self)
        for try await (succeeded, failed, processed, processingFailed, completed, discarded, errors, rejected) in rows {
            let fetches = succeeded + failed
            let conversations = processed + processingFailed
            return LastDay(
                fetches_succeeded: Int(succeeded), fetches_failed: Int(failed),
                fetch_success_rate: fetches > 0 ? Double(succeeded) / Double(fetches) : nil,
                conversations_processed: Int(processed), conversations_failed: Int(processingFailed),
                processing_error_rate: conversations > 0 ? Double(processingFailed) / Double(conversations) : nil,
                jobs_completed: Int(completed), jobs_discarded: Int(discarded), job_errors: Int(errors),
                memories_rejected: Int(rejected))
        }
        preconditionFailure("an aggregate query returns one row")
    }
}
