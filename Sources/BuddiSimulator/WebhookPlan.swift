import BuddiAPI
import Foundation

/// Where and how the simulator pushes each new memory (Standard Webhooks), and the faults it
/// injects into its deliveries. Rates are fractions of deliveries (0…1), all zero by default.
package struct WebhookPlan: Sendable {
    /// The endpoint, e.g. `http://127.0.0.1:8000/api/webhooks/memories`.
    package var url: URL
    /// What deliveries are signed with.
    package var secret: WebhookSecret
    /// The specification's retry schedule multiplied by this (1: 5 s, 5 min, 30 min…; tests use less).
    package var backoffScale: Double
    /// How long an attempt may take before it counts as failed and is retried.
    package var timeout: Duration
    /// Deliveries sent twice (the second with the same webhook-id, at once).
    package var duplicateRate: Double
    /// Deliveries held back and sent after the next one.
    package var outOfOrderRate: Double
    /// First attempts signed with a wrong key (refused; the retry is signed right).
    package var badSignatureRate: Double
    /// First attempts with a timestamp 10 minutes old (refused; the retry is current).
    package var staleTimestampRate: Double
    /// Attempts whose connection is closed before the answer comes (retried).
    package var dropRate: Double
    /// Memories never delivered, as if every attempt had failed: the next fetch must store them.
    package var undeliveredRate: Double

    /// Standard Webhooks' retry schedule after the first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    package static let retrySchedule: [Duration] = [.seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18_000), .seconds(36_000), .seconds(36_000)]

    package init(
        url: URL, secret: WebhookSecret, backoffScale: Double = 1, timeout: Duration = .seconds(15), duplicateRate: Double = 0,
        outOfOrderRate: Double = 0, badSignatureRate: Double = 0, staleTimestampRate: Double = 0, dropRate: Double = 0,
        undeliveredRate: Double = 0
    ) {
        self.url = url
        self.secret = secret
        self.backoffScale = backoffScale
        self.timeout = timeout
        self.duplicateRate = duplicateRate
        self.outOfOrderRate = outOfOrderRate
        self.badSignatureRate = badSignatureRate
        self.staleTimestampRate = staleTimestampRate
        self.dropRate = dropRate
        self.undeliveredRate = undeliveredRate
    }

    /// The wait before retry `retry` (1 for the first retry), scaled.
    func backoff(before retry: Int) -> Duration {
        Self.retrySchedule[min(retry, Self.retrySchedule.count) - 1] * backoffScale
    }
}

/// What the pushes came to so far.
package struct WebhookPushReport: Sendable {
    /// Memories whose delivery got a 2xx, by Buddi id.
    package var acknowledged: Set<String> = []
    /// Memories whose every attempt failed: the next fetch must store them.
    package var abandoned: Set<String> = []
    /// Attempts made, and of them answered 2xx, 401, other statuses, or failed without an answer.
    package var attempts = 0
    package var succeeded = 0
    package var unauthorized = 0
    package var otherStatus = 0
    package var unanswered = 0
    /// Faults injected, by kind.
    package var faults: [String: Int] = [:]
}
