import Foundation

/// A Standard Webhooks signing secret: `whsec_` and the key in base64.
///
/// It never prints (`description`, `debugDescription` and reflection show `<redacted>`), so a
/// secret in a log line or an error leaks nothing.
package struct WebhookSecret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key's bytes. Never log them.
    package let key: [UInt8]

    /// Reads `text`: `whsec_` followed by base64 (the prefix may be left out, as the
    /// specification's libraries allow). Throws a reason that does not repeat the secret.
    package init(_ text: String) throws(SecretSettingError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let encoded = trimmed.hasPrefix(Self.prefix) ? String(trimmed.dropFirst(Self.prefix.count)) : trimmed
        guard let key = Data(base64Encoded: encoded), !key.isEmpty else {
            throw SecretSettingError("a webhook secret must be `whsec_` followed by base64 (the secret is not shown)")
        }
        self.key = Array(key)
    }

    /// A secret of random bytes, `whsec_` and base64 of 24 bytes as senders generate them.
    package static func random() -> WebhookSecret {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try! WebhookSecret(prefix + Data(bytes).base64EncodedString())
    }

    /// The secret as configured: `whsec_` and base64. Only for handing to a sender.
    package var text: String { Self.prefix + Data(key).base64EncodedString() }

    static let prefix = "whsec_"

    package var description: String { "<redacted>" }
    package var debugDescription: String { "<redacted>" }
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// The secrets in `BUDDI_WEBHOOK_SECRETS` (one or more, separated by commas; every one is
    /// accepted, so a key rotates by listing the new beside the old) or the file
    /// `BUDDI_WEBHOOK_SECRETS_FILE` names. Empty when neither is set.
    package static func fromEnvironment(_ environment: [String: String]) throws(SecretSettingError) -> [WebhookSecret] {
        guard let list = try SecretSetting.read("BUDDI_WEBHOOK_SECRETS", in: environment) else { return [] }
        var secrets: [WebhookSecret] = []
        for (index, item) in list.split(whereSeparator: { $0 == "," || $0.isNewline }).enumerated() {
            let text = item.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            do {
                secrets.append(try WebhookSecret(text))
            } catch {
                throw SecretSettingError("BUDDI_WEBHOOK_SECRETS: secret \(index + 1) is not `whsec_` followed by base64 (the secret is not shown)")
            }
        }
        guard !secrets.isEmpty else { throw SecretSettingError("BUDDI_WEBHOOK_SECRETS holds no secret") }
        return secrets
    }
}
