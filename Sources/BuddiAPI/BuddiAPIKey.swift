/// The secret sent in the `api-key` header.
///
/// It never prints: `description`, `debugDescription` and reflection (`dump`, `Mirror`) all show
/// `<redacted>`, so interpolating a key or a configuration into a log line or an error cannot
/// leak it. Only ``BuddiAPIClient`` reads ``secret`` to put it in the header.
package struct BuddiAPIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The key itself. Never log it.
    package let secret: String

    /// Wraps `secret`; `nil` when it is empty or only white space.
    package init?(_ secret: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        self.secret = trimmed
    }

    package var description: String { "<redacted>" }
    package var debugDescription: String { "<redacted>" }
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
