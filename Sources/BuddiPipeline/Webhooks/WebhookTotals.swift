import Synchronization

/// Deliveries answered by this process since it started, by outcome
/// (`buddi_webhook_deliveries_total`), and how many of the refusals among them ``WebhookUpkeep``
/// has added to `webhook_refusals_per_hour` so far.
package final class WebhookTotals: Sendable {
    private struct Counts {
        var answered: [WebhookOutcome: Int] = [:]
        var refusalsWritten: (unauthorized: Int, unavailable: Int) = (0, 0)
    }

    private let counts = Mutex(Counts())

    package init() {}

    func count(_ outcome: WebhookOutcome) {
        counts.withLock { $0.answered[outcome, default: 0] += 1 }
    }

    /// Every outcome's count, zero for those not met yet.
    package func snapshot() -> [WebhookOutcome: Int] {
        counts.withLock { counts in Dictionary(uniqueKeysWithValues: WebhookOutcome.allCases.map { ($0, counts.answered[$0] ?? 0) }) }
    }

    /// The refusals counted since the last ones written.
    func refusalsToWrite() -> (unauthorized: Int, unavailable: Int) {
        counts.withLock { counts in
            ((counts.answered[.unauthorized] ?? 0) - counts.refusalsWritten.unauthorized,
             (counts.answered[.unavailable] ?? 0) - counts.refusalsWritten.unavailable)
        }
    }

    /// Notes refusals as written.
    func wrote(_ refusals: (unauthorized: Int, unavailable: Int)) {
        counts.withLock { counts in
            counts.refusalsWritten.unauthorized += refusals.unauthorized
            counts.refusalsWritten.unavailable += refusals.unavailable
        }
    }
}
