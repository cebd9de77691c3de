import PostgresNIO

/// Every statement on `webhook_deliveries` and `webhook_refusals_per_hour`.
enum WebhookSQL {
    /// The deliveries among `ids` acknowledged before, with what they were answered.
    static func acknowledged(_ ids: [String]) -> PostgresQuery {
        "SELECT webhook_id, outcome, status, buddi_id, reason FROM webhook_deliveries WHERE webhook_id = ANY(\(ids)::text[])"
    }

    /// Records acknowledged deliveries; one recorded meanwhile (the same id, delivered twice at
    /// once to two serve processes) keeps its first answer.
    static func record(_ deliveries: [(webhookID: String, receipt: WebhookReceipt)]) -> PostgresQuery {
        """
        INSERT INTO webhook_deliveries (webhook_id, outcome, status, buddi_id, reason)
        SELECT webhook_id, outcome, status, NULLIF(buddi_id, ''), NULLIF(reason, '')
        FROM unnest(\(deliveries.map(\.webhookID))::text[], \(deliveries.map(\.receipt.outcome.rawValue))::text[],
                    \(deliveries.map { Int16($0.receipt.status) })::int2[], \(deliveries.map { $0.receipt.buddiID ?? "" })::text[],
                    \(deliveries.map { $0.receipt.reason ?? "" })::text[]) AS d(webhook_id, outcome, status, buddi_id, reason)
        ON CONFLICT (webhook_id) DO NOTHING
        """
    }

    /// Adds refused deliveries to this hour's counts.
    static func countRefusals(unauthorized: Int, unavailable: Int) -> PostgresQuery {
        """
        INSERT INTO webhook_refusals_per_hour AS h (hour, outcome, deliveries)
        SELECT date_trunc('hour', now()), outcome, deliveries
        FROM (VALUES ('unauthorized', \(Int64(unauthorized))::int8), ('unavailable', \(Int64(unavailable))::int8)) AS c(outcome, deliveries)
        WHERE deliveries > 0
        ON CONFLICT (hour, outcome) DO UPDATE SET deliveries = h.deliveries + excluded.deliveries
        """
    }

    /// Deletes deliveries and counts older than `seconds`.
    static func prune(olderThanSeconds seconds: Int) -> PostgresQuery {
        """
        WITH deliveries AS (DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(secs => \(Double(seconds))))
        DELETE FROM webhook_refusals_per_hour WHERE hour < now() - make_interval(secs => \(Double(seconds)))
        """
    }
}
