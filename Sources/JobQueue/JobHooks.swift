import PostgresNIO

/// One job at the end of an attempt: what a lifecycle hook is told.
public struct JobEnd: Sendable, Equatable {
    /// The job's id.
    public let id: Int64
    /// Its kind.
    public let kind: String
    /// Its queue.
    public let queue: String
    /// The state it was left in: `completed`, `retryable`, `discarded` or `cancelled`.
    public let state: JobState
    /// The attempt that ended.
    public let attempt: Int32

    /// The states an attempt's end leaves a job in (a release, a resume or a snooze is no end:
    /// the attempt does not count).
    static let endingStates: Set<JobState> = [.completed, .retryable, .discarded, .cancelled]
}

/// Code an application runs when jobs of a kind end an attempt — completed, failed (to retry or
/// for good), rescued after their worker died, or cancelled — inside the very transaction that
/// records it, so that what the application keeps about its jobs can never disagree with them.
///
/// Give the same hooks to every ``JobWorker`` (through its ``JobRegistry``), ``QueueMaintainer``
/// and ``JobQueue`` that can end such jobs. A hook that throws rolls the ending back; it is then
/// tried again (a worker's outcome, a rescue) or reported (a cancel).
public struct JobHooks: Sendable {
    /// A hook: the job that ended, and the connection of the transaction that ended it.
    public typealias Hook = @Sendable (JobEnd, PostgresConnection) async throws -> Void

    private var hooks: [String: [Hook]] = [:]

    /// No hooks.
    public init() {}

    /// Adds `hook` for jobs of `kind`; hooks of a kind run in the order they were added.
    public mutating func onEnd(of kind: String, _ hook: @escaping Hook) {
        hooks[kind, default: []].append(hook)
    }

    /// Whether any hook is registered.
    var isEmpty: Bool { hooks.isEmpty }

    /// Whether a job of `kind` has a hook.
    func handles(_ kind: String) -> Bool {
        hooks[kind] != nil
    }

    /// Runs the hooks of each job, in order, on `connection` (inside the caller's transaction).
    func run(_ ends: [JobEnd], on connection: PostgresConnection) async throws {
        for end in ends {
            for hook in hooks[end.kind] ?? [] { try await hook(end, connection) }
        }
    }
}
