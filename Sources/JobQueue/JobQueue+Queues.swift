import Foundation
import PostgresNIO

/// A queue as operators see it.
public struct QueueSummary: Sendable, Equatable, Codable {
    /// Its name.
    public let name: String
    /// Since when it is paused; nil while it runs.
    public let pausedAt: Date?
    /// Jobs waiting in it (available or retryable, due or not).
    public let waiting: Int
    /// Jobs running from it.
    public let running: Int

    /// Whether workers claim from it.
    public var isPaused: Bool { pausedAt != nil }

    enum CodingKeys: String, CodingKey {
        case name, waiting, running
        case pausedAt = "paused_at"
    }

    /// Encodes every key, `paused_at` as null while the queue runs.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(pausedAt, forKey: .pausedAt)
        try container.encode(waiting, forKey: .waiting)
        try container.encode(running, forKey: .running)
    }
}

extension JobQueue {
    /// Pauses `queue` for the whole cluster until it is resumed: no worker claims from it after
    /// this returns (the claim checks it); jobs can still be enqueued and running ones finish.
    /// Pausing a paused queue changes nothing.
    public func pause(queue: String) async throws {
        try validate(queue: queue)
        try await client.query(JobSQL.setPaused(queue: queue, paused: true), logger: logger)
    }

    /// Resumes `queue`, and wakes the workers that claim from it.
    public func resume(queue: String) async throws {
        try validate(queue: queue)
        try await client.query(JobSQL.setPaused(queue: queue, paused: false), logger: logger)
        try await notify(.inserted(queue: queue))
    }

    /// Every queue with jobs, workers or a pause, by name.
    public func queues() async throws -> [QueueSummary] {
        var queues: [QueueSummary] = []
        let rows = try await client.query(JobSQL.queues, logger: logger)
        for try await (name, pausedAt, waiting, running) in rows.decode((String, Date?, Int64, Int64).self) {
            queues.append(QueueSummary(name: name, pausedAt: pausedAt, waiting: Int(waiting), running: Int(running)))
        }
        return queues
    }

    /// The names of the paused queues.
    public func pausedQueues() async throws -> [String] {
        var names: [String] = []
        for try await name in try await client.query(JobSQL.pausedQueues, logger: logger).decode(String.self) { names.append(name) }
        return names
    }

    private func validate(queue: String) throws(JobQueueError) {
        if let problem = QueueName.problem(queue) { throw .invalidJob(problem) }
    }
}
