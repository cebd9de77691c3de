import PostgresResilience
import Foundation
import PostgresNIO

/// What started a fetch.
package enum FetchTrigger: String, Sendable, Codable {
    /// The scheduler, for a time slot.
    case scheduled
    /// An operator (CLI, HTTP API or demo).
    case manual
}

/// How a fetch went, as far as it has gone.
package enum FetchOutcome: String, Sendable, Codable {
    case pending, running, succeeded, failed
}

/// One fetch, as `fetch_runs` records it.
package struct FetchRun: Sendable, Equatable {
    package var jobID: Int64
    package var trigger: FetchTrigger
    /// For a scheduled fetch, the slot it was due at.
    package var slot: Date?
    package var requestedAt: Date
    package var startedAt: Date?
    package var finishedAt: Date?
    package var outcome: FetchOutcome
    package var attempts: Int
    package var pages: Int?
    package var memoriesSeen: Int?
    package var new: Int?
    package var duplicates: Int?
    package var rejected: Int?
    package var durationSeconds: Double?
    /// Failed API calls by kind, as JSON text.
    package var apiErrorsJSON: String
    package var error: String?

    /// When the fetch began talking to the API, or was asked for if it has not yet.
    package var beganAt: Date { startedAt ?? requestedAt }

    init(row: PostgresRow) throws {
        let c = row.makeRandomAccess()
        jobID = try c["job_id"].decode(Int64.self)
        trigger = FetchTrigger(rawValue: try c["trigger"].decode(String.self)) ?? .manual
        slot = try c["slot"].decode(Date?.self)
        requestedAt = try c["requested_at"].decode(Date.self)
        startedAt = try c["started_at"].decode(Date?.self)
        finishedAt = try c["finished_at"].decode(Date?.self)
        outcome = FetchOutcome(rawValue: try c["outcome"].decode(String.self)) ?? .pending
        attempts = Int(try c["attempts"].decode(Int32.self))
        pages = try c["pages"].decode(Int32?.self).map(Int.init)
        memoriesSeen = try c["memories_seen"].decode(Int32?.self).map(Int.init)
        new = try c["new_conversations"].decode(Int32?.self).map(Int.init)
        duplicates = try c["duplicates"].decode(Int32?.self).map(Int.init)
        rejected = try c["rejected"].decode(Int32?.self).map(Int.init)
        durationSeconds = try c["duration_seconds"].decode(Double?.self)
        apiErrorsJSON = try c["api_errors"].decode(String.self)
        error = try c["error"].decode(String?.self)
    }
}

/// Reads and writes `fetch_runs`.
package enum FetchRuns {
    /// Records a requested fetch on the enqueuing transaction's connection. Returns false when
    /// it is a scheduled fetch whose slot was already taken (nothing is written then).
    package static func recordRequested(
        jobID: Int64, trigger: FetchTrigger, slot: Date?, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        for try await _ in try await connection.query(FetchRunSQL.insert(jobID: jobID, trigger: trigger, slot: slot), logger: logger) {
            return true
        }
        return false
    }

    /// The most recent fetch, and the most recent successful one (the same run, often).
    package static func latest(on connection: PostgresConnection, logger: Logger) async throws -> (last: FetchRun?, lastSuccess: FetchRun?) {
        var runs: [FetchRun] = []
        for try await row in try await connection.query(FetchRunSQL.latest, logger: logger) { runs.append(try FetchRun(row: row)) }
        let last = runs.first
        let lastSuccess = runs.count > 1 ? runs[1] : (last?.outcome == .succeeded ? last : nil)
        return (last, lastSuccess)
    }

    /// The run of one fetch job, if it was recorded.
    package static func run(jobID: Int64, client: DatabaseClient, logger: Logger) async throws -> FetchRun? {
        for try await row in try await client.query(FetchRunSQL.run(jobID: jobID), logger: logger) { return try FetchRun(row: row) }
        return nil
    }
}
