import Foundation
import PostgresNIO

/// A job row as stored, for operators and tests.
public struct JobRecord: Sendable {
    public var id: Int64
    public var kind: String
    public var queue: String
    public var priority: Int16
    public var state: JobState
    public var argsJSON: String
    public var attempt: Int32
    public var maxAttempts: Int32
    public var runAt: Date
    public var workerID: String?
    public var leaseExpiresAt: Date?
    public var uniqueKey: String?
    public var errors: [JobErrorEntry]
    public var resultJSON: String?
    public var progressJSON: String?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// The propagation headers of the code that enqueued it (W3C `traceparent`, `tracestate`);
    /// empty when it was enqueued untraced.
    public var traceContext: [String: String]

    init(row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        self.id = try columns["id"].decode(Int64.self)
        self.kind = try columns["kind"].decode(String.self)
        self.queue = try columns["queue"].decode(String.self)
        self.priority = try columns["priority"].decode(Int16.self)
        self.state = JobState(rawValue: try columns["state"].decode(String.self)) ?? .discarded
        self.argsJSON = try columns["args"].decode(String.self)
        self.attempt = try columns["attempt"].decode(Int32.self)
        self.maxAttempts = try columns["max_attempts"].decode(Int32.self)
        self.runAt = try columns["run_at"].decode(Date.self)
        self.workerID = try columns["worker_id"].decode(String?.self)
        self.leaseExpiresAt = try columns["lease_expires_at"].decode(Date?.self)
        self.uniqueKey = try columns["unique_key"].decode(String?.self)
        self.errors = try JSONDecoder.jobs.decode(
            [JobErrorEntry].self, from: Data(columns["errors"].decode(String.self).utf8))
        self.resultJSON = try columns["result"].decode(String?.self)
        self.progressJSON = try columns["progress"].decode(String?.self)
        self.createdAt = try columns["created_at"].decode(Date.self)
        self.startedAt = try columns["started_at"].decode(Date?.self)
        self.finishedAt = try columns["finished_at"].decode(Date?.self)
        self.traceContext = try columns["trace_context"].decode(String?.self).flatMap(JobTraceContext.headers) ?? [:]
    }
}

/// One failure in a job's history.
public struct JobErrorEntry: Sendable, Codable, Equatable {
    /// The attempt that failed.
    public var attempt: Int32
    /// When it failed (as the database recorded it).
    public var at: String
    /// What went wrong.
    public var message: String
}
