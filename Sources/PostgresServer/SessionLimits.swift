import Foundation

/// The limits every buddi session sets when it connects (as startup parameters), so that no
/// wait on the database is unbounded:
/// - `statement_timeout`: an ordinary statement running longer is cancelled by the server
///   (`BUDDI_STATEMENT_TIMEOUT_SECONDS`, default 60; 0 turns it off). Migrations lift it.
/// - `idle_in_transaction_session_timeout`: a session that sits in an open transaction for 5
///   minutes (its process hung or cut off) is ended, and its locks freed.
/// - `tcp_keepalives_*`: the server probes an idle client after 10 s, every 5 s, and drops it
///   after 3 missed probes, so a worker whose host vanished does not keep its row locks.
package struct SessionLimits: Sendable, Equatable {
    /// The statement timeout in whole milliseconds; 0 for none.
    package var statementTimeoutMs: Int

    /// The limits when `BUDDI_STATEMENT_TIMEOUT_SECONDS` is unset: a 60 s statement timeout.
    package static let standard = SessionLimits(statementTimeoutMs: 60_000)

    /// Limits with a statement timeout of `statementTimeoutMs` (0 for none).
    package init(statementTimeoutMs: Int) {
        self.statementTimeoutMs = statementTimeoutMs
    }

    /// The limits from `BUDDI_STATEMENT_TIMEOUT_SECONDS`; throws a message naming the variable
    /// when it is not a number of seconds from 0 to 86400.
    package static func fromEnvironment(_ environment: [String: String]) throws -> SessionLimits {
        guard let text = environment["BUDDI_STATEMENT_TIMEOUT_SECONDS"], !text.isEmpty else { return .standard }
        // Not a value that rounds to 0 ms, which would mean none.
        guard let seconds = Double(text), seconds == 0 || (0.001...86_400).contains(seconds) else {
            throw DatabaseError.invalidSetting("BUDDI_STATEMENT_TIMEOUT_SECONDS must be 0 (none) or a number of seconds from 0.001 to 86400, got '\(text)'")
        }
        return SessionLimits(statementTimeoutMs: Int((seconds * 1000).rounded()))
    }

    /// The startup parameters that set these limits.
    package var startupParameters: [(String, String)] {
        [
            ("statement_timeout", "\(statementTimeoutMs)"),
            ("idle_in_transaction_session_timeout", "300000"),
            ("tcp_keepalives_idle", "10"),
            ("tcp_keepalives_interval", "5"),
            ("tcp_keepalives_count", "3"),
        ]
    }
}
