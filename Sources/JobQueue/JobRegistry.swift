import Foundation

/// The handlers a worker runs, by job kind, with typed arguments.
public struct JobRegistry: Sendable {
    /// A handler with its arguments still encoded: returns the result as JSON, if any.
    typealias Handler = @Sendable (_ argsJSON: String, _ context: JobContext) async throws -> String?

    private var handlers: [String: Handler] = [:]
    private var timeouts: [String: Duration] = [:]
    private var retryPolicies: [String: JobRetryPolicy] = [:]

    /// What runs when jobs end an attempt (see ``JobHooks``).
    public var hooks = JobHooks()

    /// How long a job may run when its kind was registered without a timeout.
    public static let defaultTimeout: Duration = .seconds(30 * 60)

    /// An empty registry.
    public init() {}

    /// The kinds that have a handler.
    public var kinds: [String] { handlers.keys.sorted() }

    /// Registers the handler for `Args.kind`; it returns nothing. A run past `timeout` is
    /// cancelled and fails with ``JobTimedOut`` (retried like any failure).
    public mutating func register<Args: JobArgs>(
        _ type: Args.Type, timeout: Duration = JobRegistry.defaultTimeout,
        handler: @escaping @Sendable (Args, JobContext) async throws -> Void
    ) {
        timeouts[Args.kind] = timeout
        handlers[Args.kind] = { argsJSON, context in
            try await handler(Self.decode(Args.self, from: argsJSON), context)
            return nil
        }
    }

    /// Registers the handler for `Args.kind`; what it returns is stored as the job's result. A
    /// run past `timeout` is cancelled and fails with ``JobTimedOut`` (retried like any failure).
    public mutating func register<Args: JobArgs, Result: Encodable & Sendable>(
        _ type: Args.Type, timeout: Duration = JobRegistry.defaultTimeout,
        handler: @escaping @Sendable (Args, JobContext) async throws -> Result
    ) {
        timeouts[Args.kind] = timeout
        handlers[Args.kind] = { argsJSON, context in
            let result = try await handler(Self.decode(Args.self, from: argsJSON), context)
            return String(decoding: try JSONEncoder.jobs.encode(result), as: UTF8.self)
        }
    }

    /// Sets how jobs of `kind` are retried, instead of the worker's backoff and each job's own
    /// `max_attempts` alone.
    public mutating func setRetryPolicy(_ policy: JobRetryPolicy, for kind: String) {
        retryPolicies[kind] = policy
    }

    /// How jobs of `kind` are retried, if set.
    func retryPolicy(for kind: String) -> JobRetryPolicy? {
        retryPolicies[kind]
    }

    /// Changes the timeout of `kind` (an operator's setting, say), whatever it was registered with.
    public mutating func setTimeout(_ timeout: Duration, for kind: String) {
        timeouts[kind] = timeout
    }

    func handler(for kind: String) -> Handler? {
        handlers[kind]
    }

    /// How long a job of `kind` may run.
    func timeout(for kind: String) -> Duration {
        timeouts[kind] ?? Self.defaultTimeout
    }

    /// Arguments that do not decode will not decode on a retry either: the job is discarded.
    private static func decode<Args: JobArgs>(_ type: Args.Type, from json: String) throws -> Args {
        do {
            return try JSONDecoder.jobs.decode(Args.self, from: Data(json.utf8))
        } catch {
            throw JobFailure.discard(reason: "cannot decode the args of a '\(Args.kind)' job: \(DecodingErrorDescription(error))")
        }
    }
}

/// A decoding error said in one line: what was wrong, and where.
struct DecodingErrorDescription: CustomStringConvertible {
    let error: any Error
    init(_ error: any Error) { self.error = error }

    var description: String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "" : " at '\(path)'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)'\(path(context))"
        case .typeMismatch(let type, let context):
            return "expected \(type)\(path(context)): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "missing \(type) value\(path(context))"
        case .dataCorrupted(let context):
            return "\(context.debugDescription)\(path(context))"
        @unknown default:
            return String(describing: error)
        }
    }
}
