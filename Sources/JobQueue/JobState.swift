/// The life cycle of a job row.
public enum JobState: String, Sendable, Codable, CaseIterable {
    /// Waiting to run once its `run_at` has come.
    case available
    /// Claimed by a worker, which holds a lease on it.
    case running
    /// Failed; runs again at its `run_at`.
    case retryable
    /// Finished successfully.
    case completed
    /// Failed for good: out of attempts, or the handler said it will never succeed.
    case discarded
    /// Cancelled by an operator.
    case cancelled

    /// Whether the job will not run again.
    public var isFinished: Bool {
        switch self {
        case .completed, .discarded, .cancelled: true
        case .available, .running, .retryable: false
        }
    }
}

/// A value stored as text in a column, spelled in SQL as a literal: job states, and an
/// application's own (processing states, fetch outcomes).
public protocol SQLTextValue: RawRepresentable where RawValue == String {}

extension SQLTextValue {
    /// The value as a SQL literal, e.g. `'completed'`.
    public var sql: String { "'\(rawValue)'" }
}

extension JobState: SQLTextValue {}

extension JobState {
    /// The states of a job that may still run: it holds its unique key.
    public static let unfinished: [JobState] = [.available, .running, .retryable]
    /// The states of a job waiting to be claimed once its `run_at` has come.
    public static let waiting: [JobState] = [.available, .retryable]
    /// The states of a job that will not run again.
    public static let finished: [JobState] = allCases.filter(\.isFinished)

    /// `states` as SQL's list for `IN`, e.g. `('available', 'retryable')`: how every statement,
    /// the engine's and an application's, names a set of states.
    public static func sqlList(_ states: [JobState]) -> String {
        "(" + states.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }
}
