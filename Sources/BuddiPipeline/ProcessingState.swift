/// Where a stored conversation is in its processing: the values of
/// `conversations.processing_state`, defined once for Swift and for every statement.
public enum ProcessingState: String, Sendable, Codable, CaseIterable {
    /// Stored, waiting for its process job.
    case pending
    /// Analysed and anchored.
    case processed
    /// Its processing failed for good (its error is kept).
    case failed

    /// The value as a SQL literal, e.g. `'processed'`.
    public var sql: String { "'\(rawValue)'" }
}

extension FetchOutcome {
    /// The value as a SQL literal, e.g. `'failed'`.
    public var sql: String { "'\(rawValue)'" }

    /// The outcomes of a fetch that has not ended: `('pending', 'running')`.
    public static let unfinishedSQL = "(" + [FetchOutcome.pending, .running].map(\.sql).joined(separator: ", ") + ")"
}
