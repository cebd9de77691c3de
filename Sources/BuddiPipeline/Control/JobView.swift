import BuddiAPI
import Foundation
import JobQueue

/// A job as operators see it in JSON: its arguments, result and checkpoint as JSON values.
package struct JobView: Codable, Sendable {
    package var id: Int64
    package var kind: String
    package var queue: String
    package var priority: Int16
    package var state: String
    package var args: JSONValue
    package var attempt: Int32
    package var maxAttempts: Int32
    package var runAt: Date
    package var workerID: String?
    package var leaseExpiresAt: Date?
    package var uniqueKey: String?
    package var errors: [JobErrorEntry]
    package var result: JSONValue?
    package var progress: JSONValue?
    package var createdAt: Date
    package var startedAt: Date?
    package var finishedAt: Date?
    /// The sampled trace it was enqueued in (its first attempt's, unless that started late).
    package var traceID: String?

    package init(_ job: JobRecord) {
        id = job.id
        kind = job.kind
        queue = job.queue
        priority = job.priority
        state = job.state.rawValue
        args = Self.json(job.argsJSON) ?? .null
        attempt = job.attempt
        maxAttempts = job.maxAttempts
        runAt = job.runAt
        workerID = job.workerID
        leaseExpiresAt = job.leaseExpiresAt
        uniqueKey = job.uniqueKey
        errors = job.errors
        result = job.resultJSON.flatMap(Self.json)
        progress = job.progressJSON.flatMap(Self.json)
        createdAt = job.createdAt
        startedAt = job.startedAt
        finishedAt = job.finishedAt
        traceID = JobTraceContext.sampledTraceID(job.traceContext)
    }

    private static func json(_ text: String) -> JSONValue? {
        try? JSONValue(parsing: Data(text.utf8))
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, queue, priority, state, args, attempt, errors, result, progress
        case maxAttempts = "max_attempts"
        case runAt = "run_at"
        case workerID = "worker_id"
        case leaseExpiresAt = "lease_expires_at"
        case uniqueKey = "unique_key"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case traceID = "trace_id"
    }
}

/// The JSON encoding every operator-facing document uses: ISO 8601 times, sorted keys.
package enum ControlJSON {
    package static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
