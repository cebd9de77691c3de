import Foundation
import Logging
import PostgresNIO
import PostgresResilience

/// The producer side of the queue: enqueue, cancel, retry and look up jobs.
///
/// Enqueue runs on the client's pool, or on a caller's connection inside the caller's own
/// transaction, so a job exists if and only if that transaction commits.
public struct JobQueue: Sendable {
    let client: DatabaseClient
    let hooks: JobHooks
    let statements: StatementMode
    let logger: Logger

    /// A queue over the database that `client` connects to; `hooks` run when a cancel ends a job.
    /// `statements` says how an enqueue of one job is sent (`.unnamed` behind a pooler in
    /// transaction-pooling mode).
    public init(client: DatabaseClient, hooks: JobHooks = JobHooks(), statements: StatementMode = .prepared, logger: Logger) {
        self.client = client
        self.hooks = hooks
        self.statements = statements
        self.logger = logger
    }

    /// Enqueues one job, in one round trip when it has no unique key or its key is free.
    @discardableResult
    public func enqueue(_ job: NewJob) async throws -> EnqueuedJob {
        try job.validate()
        return try await JobSpans.enqueuing([job]) { trace in
            if let id = try await InsertOneStatement(query: JobSQL.insertOne(job, traceContext: trace))
                .rows(on: client, statements, logger: logger).first
            {
                return EnqueuedJob(id: id, inserted: true)
            }
            // The key is held: the batch path finds the holder (or inserts, if it finished meanwhile).
            return try await client.withConnection { try await enqueue([job], traceContext: trace, on: $0)[0] }
        }
    }

    /// Enqueues many jobs in one statement; returns them in the same order.
    @discardableResult
    public func enqueue(_ jobs: [NewJob]) async throws -> [EnqueuedJob] {
        try await client.withConnection { try await enqueue(jobs, on: $0) }
    }

    /// Enqueues jobs on the caller's connection, typically inside its own transaction
    /// (`client.withTransaction`): rolled back, no job exists and no worker is woken. Each job
    /// carries the caller's trace context, if it is traced.
    @discardableResult
    public func enqueue(_ jobs: [NewJob], on connection: PostgresConnection) async throws -> [EnqueuedJob] {
        for job in jobs { try job.validate() }
        return try await JobSpans.enqueuing(jobs) { trace in try await enqueue(jobs, traceContext: trace, on: connection) }
    }

    /// Enqueues valid `jobs`, each carrying `traceContext`.
    private func enqueue(_ jobs: [NewJob], traceContext: String?, on connection: PostgresConnection) async throws -> [EnqueuedJob] {
        var found = [EnqueuedJob?](repeating: nil, count: jobs.count)
        // A job holding a key can finish between our insert and our look-up; then insert again.
        for _ in 0..<5 {
            let pending = found.indices.filter { found[$0] == nil }
            if pending.isEmpty { break }
            try await insert(pending.map { jobs[$0] }, at: pending, into: &found, traceContext: traceContext, on: connection)
        }
        return try found.enumerated().map { index, job in
            guard let job else { throw JobQueueError.invalidJob("could not enqueue job \(index): its unique key kept changing hands") }
            return job
        }
    }

    private func insert(
        _ jobs: [NewJob], at positions: [Int], into found: inout [EnqueuedJob?], traceContext: String?, on connection: PostgresConnection
    ) async throws {
        let query = JobSQL.insert(
            kinds: jobs.map(\.kind), args: jobs.map(\.argsJSON), queues: jobs.map(\.queue),
            priorities: jobs.map(\.priority), maxAttempts: jobs.map(\.maxAttempts),
            runAtEpochs: jobs.map { $0.runAt?.timeIntervalSince1970 ?? -1 },
            uniqueKeys: jobs.map { $0.uniqueKey ?? "" }, timeoutsSeconds: jobs.map { $0.timeout?.inSeconds ?? -1 },
            traceContext: traceContext)
        var keyed: [String: Int64] = [:]
        var unkeyed: [Int64] = []
        for try await (id, key) in try await connection.query(query, logger: logger).decode((Int64, String).self) {
            if key.isEmpty { unkeyed.append(id) } else { keyed[key] = id }
        }
        // Rows without a key are always inserted, in input order, so their ids ascend with it.
        var unkeyedIDs = unkeyed.sorted().makeIterator()
        var skippedKeys: [String] = []
        var insertedKeys = Set<String>()
        for (job, position) in zip(jobs, positions) {
            if let key = job.uniqueKey {
                if let id = keyed[key], insertedKeys.insert(key).inserted {
                    found[position] = EnqueuedJob(id: id, inserted: true)
                } else {
                    skippedKeys.append(key)
                }
            } else if let id = unkeyedIDs.next() {
                found[position] = EnqueuedJob(id: id, inserted: true)
            }
        }
        guard !skippedKeys.isEmpty else { return }
        var holders: [String: Int64] = [:]
        for try await (id, key) in try await connection.query(JobSQL.holders(ofUniqueKeys: skippedKeys), logger: logger)
            .decode((Int64, String).self)
        {
            holders[key] = id
        }
        for (job, position) in zip(jobs, positions) where found[position] == nil {
            if let key = job.uniqueKey, let id = holders[key] {
                found[position] = EnqueuedJob(id: id, inserted: false)
            }
        }
    }

    /// Cancels a job. A waiting job is cancelled at once; a running one is flagged and its
    /// worker cancels the handler's task. Returns the job's state after the call.
    @discardableResult
    public func cancel(id: Int64) async throws -> JobState {
        // In the same transaction as its hooks, when it has any; a running job ends (and runs
        // them) when its worker stops it.
        let cancelled: JobState? = try await client.transaction(logger: logger) { [hooks, logger] connection in
            let rows = try await connection.query(JobSQL.cancel(id: id), logger: logger)
            for try await (state, kind, queue, attempt) in rows.decode((String, String, String, Int32).self) {
                let jobState = JobState(rawValue: state) ?? .cancelled
                if jobState == .cancelled, hooks.handles(kind) {
                    try await hooks.run([JobEnd(id: id, kind: kind, queue: queue, state: .cancelled, attempt: attempt)], on: connection)
                }
                return jobState
            }
            return nil
        }
        if let cancelled {
            if cancelled == .running { try await notify(.cancelRequested(id: id)) }
            return cancelled
        }
        let state = try await currentState(of: id)
        throw JobQueueError.invalidState(id: id, state: state.rawValue, operation: "cancel")
    }

    /// Makes a finished or retryable job run again now.
    public func retry(id: Int64) async throws {
        let rows = try await client.query(JobSQL.retry(id: id), logger: logger)
        for try await queue in rows.decode(String.self) {
            try await notify(.inserted(queue: queue))
            return
        }
        let state = try await currentState(of: id)
        throw JobQueueError.invalidState(id: id, state: state.rawValue, operation: "retry")
    }

    /// The job with this id, or nil.
    public func job(id: Int64) async throws -> JobRecord? {
        let rows = try await client.query(JobSQL.job(id: id), logger: logger)
        for try await row in rows { return try JobRecord(row: row) }
        return nil
    }

    /// How many jobs `queue` has in each state (states with none are absent).
    public func counts(queue: String) async throws -> [JobState: Int] {
        var counts: [JobState: Int] = [:]
        for try await (state, count) in try await client.query(JobSQL.countByState(queue: queue), logger: logger)
            .decode((String, Int64).self)
        {
            if let jobState = JobState(rawValue: state) { counts[jobState] = Int(count) }
        }
        return counts
    }

    /// Deletes every job of `queue` that is not running; returns how many.
    @discardableResult
    public func purge(queue: String) async throws -> Int {
        for try await count in try await client.query(JobSQL.purge(queue: queue), logger: logger).decode(Int64.self) {
            return Int(count)
        }
        return 0
    }

    private func currentState(of id: Int64) async throws -> JobState {
        for try await state in try await client.query(JobSQL.state(id: id), logger: logger).decode(String.self) {
            if let jobState = JobState(rawValue: state) { return jobState }
        }
        throw JobQueueError.jobNotFound(id)
    }

    func notify(_ notification: QueueNotification) async throws {
        try await client.query(JobSQL.notify(notification), logger: logger)
    }
}
