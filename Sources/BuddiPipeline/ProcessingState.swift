import JobQueue

/// Where a stored conversation is in its processing: the values of
/// `conversations.processing_state`, defined once for Swift and for every statement.
package enum ProcessingState: String, Sendable, Codable, CaseIterable, SQLTextValue {
    /// Stored, waiting for its process job.
    case pending
    /// Analysed and anchored.
    case processed
    /// Its processing failed for good (its error is kept).
    case failed
}

extension FetchOutcome: SQLTextValue {

    /// The outcomes of a fetch that has not ended: `('pending', 'running')`.
    package static let unfinishedSQL = "(" + [FetchOutcome.pending, .running].map(\.sql).joined(separator: ", ") + ")"
}
