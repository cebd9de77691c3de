import Foundation
import JobQueue
import Logging
import PostgresNIO
import PostgresResilience
import Tracing

/// Enqueues fetches, manual or scheduled, each with its `fetch_runs` row in the same
/// transaction, under a lock that serialises fetch requests across every process.
package struct FetchRequests: Sendable {
    /// Attempts a fetch job gets; failures wait the error-recovery delay between them.
    package static let maxAttempts: Int32 = 5

    let client: DatabaseClient
    let settings: SchedulerSettingsStore
    let logger: Logger

    /// Fetch requests on the database `client` connects to, with the shared `settings`.
    package init(client: DatabaseClient, settings: SchedulerSettingsStore, logger: Logger) {
        self.client = client
        self.settings = settings
        self.logger = logger
    }

    /// A manual fetch: refused (``SchedulerError``) while one is in progress or within the
    /// minimum spacing of the last successful fetch, unless `force`. Without a maximum, takes
    /// the configured maximum per fetch. Returns the fetch job's id.
    package func requestManual(_ fetch: ManualFetch, force: Bool, now: Date = Date()) async throws -> Int64 {
        try await withSpan("fetch request") { span in
            span.attributes["buddi.fetch.trigger"] = "manual"
            let jobID = try await enqueueManual(fetch, force: force, now: now)
            span.attributes["job.id"] = jobID
            return jobID
        }
    }

    private func enqueueManual(_ fetch: ManualFetch, force: Bool, now: Date) async throws -> Int64 {
        try await client.transaction(logger: logger) { connection in
            try await connection.query(SchedulerSQL.lockFetchRequests, logger: logger)
            let schedule = try await self.schedule(on: connection)
            try schedule.checkManualFetch(at: now, force: force)
            let args = fetch.args(defaultMaxConversations: schedule.settings.maxConversationsPerFetch)
            let job = try await Pipeline.queue(client: client, logger: logger)
                .enqueue([try NewJob(args, maxAttempts: Self.maxAttempts)], on: connection)[0]
            _ = try await FetchRuns.recordRequested(jobID: job.id, trigger: .manual, slot: nil, on: connection, logger: logger)
            logger.info("manual fetch enqueued", metadata: ["job_id": "\(job.id)", "forced": "\(force)"])
            return job.id
        }
    }

    /// The scheduled fetch due at `now`, if one is, on a connection in the caller's (fenced)
    /// transaction. Returns its job id, or nil when nothing was due or the slot was taken.
    package func enqueueScheduledIfDue(at now: Date, on connection: PostgresConnection) async throws -> Int64? {
        try await connection.query(SchedulerSQL.lockFetchRequests, logger: logger)
        let schedule = try await self.schedule(on: connection)
        guard let slot = schedule.slot(at: now) else { return nil }
        // A span only for a slot that is due: the scheduler asks every few seconds. A slot taken
        // meanwhile is no error of the span's: it is thrown once the span has ended.
        let enqueued: Int64? = try await withSpan("fetch request") { span in
            span.attributes["buddi.fetch.trigger"] = "scheduled"
            span.attributes["buddi.fetch.slot"] = slot.formatted(.iso8601)
            let key = "fetch:scheduled:\(slot.timeIntervalSince1970)"
            let job = try await Pipeline.queue(client: client, logger: logger).enqueue(
                [try NewJob(FetchArgs(maxConversations: schedule.settings.maxConversationsPerFetch), maxAttempts: Self.maxAttempts, uniqueKey: key)],
                on: connection)[0]
            guard job.inserted, try await FetchRuns.recordRequested(jobID: job.id, trigger: .scheduled, slot: slot, on: connection, logger: logger)
            else {
                span.attributes["buddi.fetch.slot_taken"] = true
                return nil
            }
            span.attributes["job.id"] = job.id
            logger.info("scheduled fetch enqueued", metadata: ["job_id": "\(job.id)", "slot": "\(slot.formatted(.iso8601))"])
            return job.id
        }
        guard let enqueued else { throw SlotTaken() }  // rolls the job back with the transaction
        return enqueued
    }

    /// The schedule as the database has it. The request paths read it under the fetch-request
    /// lock, so that two requests never both see nothing in progress; a status read needs none.
    package func schedule(on connection: PostgresConnection) async throws -> FetchSchedule {
        let current = try await settings.current(on: connection)
        let (last, lastSuccess) = try await FetchRuns.latest(on: connection, logger: logger)
        let inProgress = try await Pipeline.queue(client: client, logger: logger).oldestUnfinished(kind: FetchArgs.kind, on: connection)
        return FetchSchedule(settings: current, last: last, lastSuccess: lastSuccess, inProgressJobID: inProgress)
    }
}

/// A scheduled fetch's slot already had its fetch.
struct SlotTaken: Error {}
