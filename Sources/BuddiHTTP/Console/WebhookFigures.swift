import BuddiPipeline

/// The webhook deliveries of the last 24 hours as the console shows them, by outcome.
enum WebhookFigures {
    static func line(_ deliveries: [String: Int]) -> HTML {
        HTML(joining: WebhookOutcome.allCases.map { outcome -> HTML in
            let count = deliveries[outcome.rawValue] ?? 0
            let bad = count > 0 && (outcome == .unauthorized || outcome == .unavailable || outcome == .rejected)
            return "<span id=\"webhooks-\(outcome.rawValue)\" class=\"\(bad ? "bad" : "")\">\(count)</span> \(outcome.rawValue)"
        }, separator: " · ")
    }
}
