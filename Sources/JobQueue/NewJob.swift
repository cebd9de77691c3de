import Foundation

/// A job to enqueue: its kind, arguments and scheduling options.
public struct NewJob: Sendable {
    /// The job kind; a worker runs it with the handler registered for this kind.
    public var kind: String
    /// The arguments, encoded as a JSON object.
    public var argsJSON: String
    /// The queue it waits in.
    public var queue: String
    /// Lower runs first.
    public var priority: Int16
    /// How many times it may run before it is discarded.
    public var maxAttempts: Int32
    /// The earliest time it may run; `nil` means now (by the database's clock).
    public var runAt: Date?
    /// While an unfinished job holds this key, enqueuing it again inserts nothing.
    public var uniqueKey: String?
    /// How long one attempt may run, overriding the kind's timeout; nil for the kind's.
    public var timeout: Duration?

    /// A job from typed arguments.
    public init<Args: JobArgs>(
        _ args: Args,
        queue: String = "default",
        priority: Int16 = 0,
        maxAttempts: Int32 = 20,
        runAt: Date? = nil,
        uniqueKey: String? = nil,
        timeout: Duration? = nil
    ) throws {
        let data = try JSONEncoder.jobs.encode(args)
        self.init(
            kind: Args.kind, argsJSON: String(decoding: data, as: UTF8.self), queue: queue,
            priority: priority, maxAttempts: maxAttempts, runAt: runAt, uniqueKey: uniqueKey, timeout: timeout)
    }

    /// A job from a kind and raw JSON arguments.
    public init(
        kind: String,
        argsJSON: String = "{}",
        queue: String = "default",
        priority: Int16 = 0,
        maxAttempts: Int32 = 20,
        runAt: Date? = nil,
        uniqueKey: String? = nil,
        timeout: Duration? = nil
    ) {
        self.kind = kind
        self.argsJSON = argsJSON
        self.queue = queue
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.runAt = runAt
        self.uniqueKey = uniqueKey
        self.timeout = timeout
    }

    /// Checks what the database would reject, with a message that names the field.
    func validate() throws(JobQueueError) {
        if kind.isEmpty { throw .invalidJob("kind must not be empty") }
        if let problem = QueueName.problem(queue) { throw .invalidJob(problem) }
        if maxAttempts < 1 { throw .invalidJob("max_attempts must be at least 1, got \(maxAttempts)") }
        if uniqueKey == "" { throw .invalidJob("unique_key must not be empty (use nil for none)") }
        if let timeout, timeout <= .zero { throw .invalidJob("timeout must be positive, got \(timeout)") }
    }
}

/// A job as enqueued: its id, and whether this call inserted it or found an unfinished job that
/// already held its unique key.
public struct EnqueuedJob: Sendable, Equatable {
    /// The job's id.
    public var id: Int64
    /// False when an unfinished job with the same unique key already existed; `id` is then its id.
    public var inserted: Bool
}

extension JSONEncoder {
    /// The encoder for job arguments and results: sorted keys, so equal values give equal JSON.
    static let jobs: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}

extension JSONDecoder {
    /// The decoder for job arguments and results.
    static let jobs: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
