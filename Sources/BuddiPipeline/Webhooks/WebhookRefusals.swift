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
