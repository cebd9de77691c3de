/// What became of a webhook delivery, as `buddi_webhook_deliveries_total{outcome}` counts it.
package enum WebhookOutcome: String, Sendable, CaseIterable {
    /// Its memory was stored, analysed and anchored.
    case stored
    /// Nothing new: its Buddi id was stored already, or its webhook-id was delivered before.
    case duplicate
    /// Its memory can never be stored; the reason is in `rejected_memories`.
    case rejected
    /// Its signature, timestamp or headers did not check out; nothing was stored.
    case unauthorized
    /// The database could not take it now; nothing was acknowledged, the sender retries.
    case unavailable
}

/// The answer to a delivery, once what it brought is committed (or refused).
package struct WebhookReceipt: Sendable, Equatable {
    package let outcome: WebhookOutcome
    /// The HTTP status to answer with.
    package let status: Int
    /// Its memory's Buddi id, when it has a usable one.
    package let buddiID: String?
    /// Why it was rejected or refused.
    package let reason: String?

    package init(outcome: WebhookOutcome, status: Int, buddiID: String? = nil, reason: String? = nil) {
        self.outcome = outcome
        self.status = status
        self.buddiID = buddiID
        self.reason = reason
    }
}
