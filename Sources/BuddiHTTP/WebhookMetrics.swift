import BuddiPipeline

/// The webhook deliveries this `serve` answered, by outcome, on its `/metrics`.
enum WebhookMetrics {
    /// `totals` in the Prometheus text format: every outcome, from zero.
    static func render(_ totals: WebhookTotals) -> String {
        var text = PrometheusText()
        text.family(
            "buddi_webhook_deliveries_total", type: "counter",
            help: "Webhook deliveries answered by this process by outcome: stored, duplicate, rejected, unauthorized, unavailable.")
        for (outcome, count) in totals.snapshot().sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            text.sample("buddi_webhook_deliveries_total", ["outcome": outcome.rawValue], Double(count))
        }
        return text.output
    }
}
