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

    /// Adds every hook of `other` after these.
    public mutating func merge(_ other: JobHooks) {
        for (kind, hooks) in other.hooks { self.hooks[kind, default: []] += hooks }
    }

    /// Whether any hook is registered.
    var isEmpty: Bool { hooks.isEmpty }

    /// Whether a job of `kind` has a hook.
    func handles(_ kind: String) -> Bool {
        hooks[kind] != nil
    }

    /// Runs the hooks of each job, in order, on `connection` (inside the caller's transaction);
    /// a hook's error comes out as ``JobHookFailure``, naming its job.
    func run(_ ends: [JobEnd], on connection: PostgresConnection) async throws {
        for end in ends {
            for hook in hooks[end.kind] ?? [] {
                do {
                    try await hook(end, connection)
                } catch {
                    throw JobHookFailure(jobID: end.id, kind: end.kind, underlying: error)
                }
            }
        }
    }
}

/// A lifecycle hook that threw: the ending it was part of was rolled back. The other jobs of
/// the same statement are recorded without it; this one is tried again later.
public struct JobHookFailure: Error, CustomStringConvertible {
    /// The job whose hook threw.
    public let jobID: Int64
    /// Its kind.
    public let kind: String
    /// What the hook threw.
    public let underlying: any Error

    public var description: String {
        "the '\(kind)' hook for job \(jobID) failed: \(ErrorSummary.oneLine(underlying))"
    }
}
