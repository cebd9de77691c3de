import Crypto
import Foundation

/// Standard Webhooks 1.0 signatures: `v1,` and base64 of HMAC-SHA256 over
/// `{webhook-id}.{webhook-timestamp}.{body}`.
///
/// ```swift
/// let verifier = WebhookVerifier(secrets: try WebhookSecret.fromEnvironment(environment))
/// switch verifier.verify(WebhookHeaders(id: id, timestamp: timestamp, signature: signature), body: bytes) {
/// case .verified: store(bytes)
/// case .refused(let reason): answer401(reason)
/// }
/// ```
package enum WebhookSignature {
    /// The `v1,…` signature of a message with `secret`.
    package static func sign(id: String, timestamp: Int64, body: some Sequence<UInt8>, secret: WebhookSecret) -> String {
        "v1," + Data(mac(id: id, timestamp: String(timestamp), body: body, key: secret.key)).base64EncodedString()
    }

    static func mac(id: String, timestamp: String, body: some Sequence<UInt8>, key: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: key))
        hmac.update(data: Array("\(id).\(timestamp).".utf8))
        hmac.update(data: Array(body))
        return Array(hmac.finalize())
    }
}

/// The three headers a signed delivery carries (the `svix-` names are accepted too).
package struct WebhookHeaders: Sendable {
    package var id: String?
    package var timestamp: String?
    package var signature: String?

    package init(id: String?, timestamp: String?, signature: String?) {
        self.id = id
        self.timestamp = timestamp
        self.signature = signature
    }

    /// The headers' names, standard first, then Svix's.
    package static let idNames = ["webhook-id", "svix-id"]
    package static let timestampNames = ["webhook-timestamp", "svix-timestamp"]
    package static let signatureNames = ["webhook-signature", "svix-signature"]
}

/// Checks deliveries against one or more secrets (all accepted: that is how a key rotates).
package struct WebhookVerifier: Sendable {
    /// What a check found.
    package enum Outcome: Sendable, Equatable {
        case verified
        /// Why the delivery is refused, in words that say nothing of the secrets.
        case refused(String)
    }

    package let secrets: [WebhookSecret]
    /// How far a timestamp may be from now, either way. Defaults to 5 minutes.
    package let tolerance: TimeInterval

    /// The specification's tolerance for a timestamp: 5 minutes.
    package static let toleranceDefault: TimeInterval = 5 * 60

    package init(secrets: [WebhookSecret], tolerance: TimeInterval = toleranceDefault) {
        self.secrets = secrets
        self.tolerance = tolerance
    }

    /// Whether `body` with `headers` was signed by one of the secrets within the tolerance of
    /// `now`. Each listed `v1` signature is compared with each secret's in constant time.
    package func verify(_ headers: WebhookHeaders, body: [UInt8], now: Date = Date()) -> Outcome {
        guard let id = headers.id, !id.isEmpty else { return .refused("the webhook-id header is missing") }
        guard let timestamp = headers.timestamp, !timestamp.isEmpty else { return .refused("the webhook-timestamp header is missing") }
        guard let signatures = headers.signature, !signatures.isEmpty else { return .refused("the webhook-signature header is missing") }
        guard let seconds = Int64(timestamp) else { return .refused("webhook-timestamp is not whole seconds since 1970") }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else {
            return .refused("webhook-timestamp is more than \(Int(tolerance)) seconds from now")
        }
        let offered = signatures.split(separator: " ").compactMap { item -> [UInt8]? in
            guard item.hasPrefix("v1,") else { return nil }
            return Data(base64Encoded: String(item.dropFirst(3))).map(Array.init)
        }
        guard !offered.isEmpty else { return .refused("webhook-signature holds no v1 signature") }
        var matched = false
        for secret in secrets {
            let expected = WebhookSignature.mac(id: id, timestamp: timestamp, body: body, key: secret.key)
            for signature in offered where Self.constantTimeEqual(signature, expected) { matched = true }
        }
        return matched ? .verified : .refused("no signature matches")
    }

    /// Equal bytes, compared without stopping at the first difference.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
