import BuddiJSON
import BuddiAPI
import Foundation
import JobQueue

/// A job as operators see it in JSON: its arguments, result and checkpoint as JSON values.
public struct JobView: Codable, Sendable {
    public var id: Int64
    public var kind: String
    public var queue: String
    public var priority: Int16
    public var state: String
    public var args: JSONValue
    public var attempt: Int32
    public var maxAttempts: Int32
    public var runAt: Date
    public var workerID: String?
    public var leaseExpiresAt: Date?
    public var uniqueKey: String?
    public var errors: [JobErrorEntry]
    public var result: JSONValue?
    public var progress: JSONValue?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(_ job: JobRecord) {
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
    }
}

/// The JSON encoding every operator-facing document uses: ISO 8601 times, sorted keys.
public enum ControlJSON {
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
