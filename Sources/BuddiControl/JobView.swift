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
    public var max_attempts: Int32
    public var run_at: Date
    public var worker_id: String?
    public var lease_expires_at: Date?
    public var unique_key: String?
    public var errors: [JobErrorEntry]
    public var result: JSONValue?
    public var progress: JSONValue?
    public var created_at: Date
    public var started_at: Date?
    public var finished_at: Date?

    public init(_ job: JobRecord) {
        id = job.id
        kind = job.kind
        queue = job.queue
        priority = job.priority
        state = job.state.rawValue
        args = Self.json(job.argsJSON) ?? .null
        attempt = job.attempt
        max_attempts = job.maxAttempts
        run_at = job.runAt
        worker_id = job.workerID
        lease_expires_at = job.leaseExpiresAt
        unique_key = job.uniqueKey
        errors = job.errors
        result = job.resultJSON.flatMap(Self.json)
        progress = job.progressJSON.flatMap(Self.json)
        created_at = job.createdAt
        started_at = job.startedAt
        finished_at = job.finishedAt
    }

    private static func json(_ text: String) -> JSONValue? {
        try? JSONValue(parsing: Data(text.utf8))
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
