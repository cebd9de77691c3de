import PostgresNIO

/// Tells a statement the server refused because of the data it was given from other failures:
/// SQLSTATE class 22 (data exception: a character the encoding cannot hold, a `jsonb` escape it
/// does not accept, a value out of range) or 54 (program limit exceeded: an index entry too
/// large). The same data fails the same way every time, so retrying cannot help: the row at
/// fault is to be found and set aside, and the rest stored.
public enum DatabaseRefusal {
    /// The server's reason, with its SQLSTATE, when `error` is such a refusal; nil otherwise.
    public static func reason(_ error: any Error) -> String? {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState],
            state.hasPrefix("22") || state.hasPrefix("54")
        else { return nil }
        return "\(error.serverInfo?[.message] ?? "refused") (SQLSTATE \(state))"
    }
}
