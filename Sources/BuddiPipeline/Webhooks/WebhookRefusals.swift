import Synchronization

/// Deliveries refused with nothing stored (unauthorized, unavailable), counted in memory until
/// ``WebhookUpkeep`` adds them to `webhook_refusals_per_hour`.
package final class WebhookRefusals: Sendable {
    private let counts = Mutex((unauthorized: 0, unavailable: 0))

    /// Counts `outcome` if it is a refusal.
    func count(_ outcome: WebhookOutcome) {
        counts.withLock { counts in
            switch outcome {
            case .unauthorized: counts.unauthorized += 1
            case .unavailable: counts.unavailable += 1
            case .stored, .duplicate, .rejected: break
            }
        }
    }

    /// The counts so far, reset to zero.
    func take() -> (unauthorized: Int, unavailable: Int) {
        counts.withLock { counts in
            defer { counts = (0, 0) }
            return counts
        }
    }

    /// Gives back counts that could not be written.
    func giveBack(_ taken: (unauthorized: Int, unavailable: Int)) {
        counts.withLock { counts in
            counts.unauthorized += taken.unauthorized
            counts.unavailable += taken.unavailable
        }
    }
}

/// Deliveries answered by this process since it started, by outcome (`buddi_webhook_deliveries_total`).
package final class WebhookTotals: Sendable {
    private let counts = Mutex([WebhookOutcome: Int]())

    func count(_ outcome: WebhookOutcome) {
        counts.withLock { $0[outcome, default: 0] += 1 }
    }

    /// Every outcome's count, zero for those not met yet.
    package func snapshot() -> [WebhookOutcome: Int] {
        counts.withLock { counts in Dictionary(uniqueKeysWithValues: WebhookOutcome.allCases.map { ($0, counts[$0] ?? 0) }) }
    }
}
