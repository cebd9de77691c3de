import Foundation
import PostgresNIO

/// What operators look at: job listings, queue depth and worker processes.
extension JobQueue {
    /// Jobs newest first, filtered by state, kind and queue (nil matches all).
    public func list(state: JobState? = nil, kind: String? = nil, queue: String? = nil, limit: Int = 50, offset: Int = 0) async throws
        -> [JobRecord]
    {
        let query = JobSQL.list(
            state: state?.rawValue ?? "", kind: kind ?? "", queue: queue ?? "", limit: max(0, limit), offset: max(0, offset))
        var jobs: [JobRecord] = []
        for try await row in try await client.query(query, logger: logger) { jobs.append(try JobRecord(row: row)) }
        return jobs
    }

    /// How many jobs each queue holds in each state, and how long the oldest due job has waited.
    /// Waiting and running jobs are counted; finished ones are counted up to 1,000 per queue and
    /// state and estimated above (`exact` false), so this stays cheap at any size.
    public func depth() async throws -> [QueueDepth] {
        var depths: [QueueDepth] = []
        for try await (queue, state, count, exact, oldest) in try await client.query(JobSQL.depth, logger: logger)
            .decode((String, String, Int64, Bool, Double).self)
        {
            guard let state = JobState(rawValue: state) else { continue }
            depths.append(QueueDepth(queue: queue, state: state, count: Int(count), exact: exact, oldestWaitingSeconds: oldest))
        }
        return depths
    }

    /// The oldest job of `kind` that is waiting, running or due for a retry, if any.
    public func oldestUnfinished(kind: String, on connection: PostgresConnection) async throws -> Int64? {
        for try await id in try await connection.query(JobSQL.oldestUnfinished(kind: kind), logger: logger).decode(Int64.self) {
            return id
        }
        return nil
    }

    /// The registered worker processes.
    public func workers() async throws -> [WorkerRecord] {
        var workers: [WorkerRecord] = []
        let rows = try await client.query(JobSQL.workers, logger: logger)
            .decode((String, String, Int32, [String], Int32, Date, Date, Double).self)
        for try await (id, host, pid, queues, concurrency, startedAt, heartbeatAt, silence) in rows {
            workers.append(WorkerRecord(
                id: id, host: host, pid: pid, queues: queues, concurrency: concurrency, startedAt: startedAt,
                heartbeatAt: heartbeatAt, secondsSinceHeartbeat: silence))
        }
        return workers
    }
}

extension JobQueue {
    /// How many jobs wait or run, over all queues (read from the claim and lease indexes).
    public func unfinishedCount() async throws -> Int {
        for try await count in try await client.query(JobSQL.unfinishedCount, logger: logger).decode(Int64.self) { return Int(count) }
        return 0
    }

    /// How the finished jobs of `kind` ran: how many, their summed run time, and the span from
    /// the first one's start to the last one's end.
    public func runStatistics(kind: String) async throws -> JobRunStatistics {
        for try await (jobs, busy, span) in try await client.query(JobSQL.runStatistics(kind: kind), logger: logger)
            .decode((Int64, Double, Double).self)
        {
            return JobRunStatistics(jobs: Int(jobs), busySeconds: busy, spanSeconds: span)
        }
        return JobRunStatistics(jobs: 0, busySeconds: 0, spanSeconds: 0)
    }
}

/// How the finished jobs of a kind ran.
public struct JobRunStatistics: Sendable, Equatable {
    /// How many finished.
    public var jobs: Int
    /// Their run times, summed (they may have run side by side).
    public var busySeconds: Double
    /// From the first one's start to the last one's end.
    public var spanSeconds: Double
}

/// Jobs of one queue in one state.
public struct QueueDepth: Sendable, Equatable {
    public var queue: String
    public var state: JobState
    public var count: Int
    /// Whether `count` was counted (not estimated).
    public var exact: Bool
    /// For waiting states: how long the oldest due job has waited; otherwise 0.
    public var oldestWaitingSeconds: Double
}

/// A worker process as registered in `workers`.
public struct WorkerRecord: Sendable {
    public var id: String
    public var host: String
    public var pid: Int32
    public var queues: [String]
    public var concurrency: Int32
    public var startedAt: Date
    public var heartbeatAt: Date
    public var secondsSinceHeartbeat: Double

    /// Alive if it heartbeated within `timeout` (a few heartbeat intervals).
    public func isAlive(timeout: Double = 30) -> Bool { secondsSinceHeartbeat <= timeout }
}
