import AsyncHTTPClient
import BuddiAPI
import Foundation
import Logging
import NIOCore
import Synchronization

/// Sends memories to a webhook endpoint as a Buddi-like platform would: signed (Standard
/// Webhooks), one delivery per memory with an id of its own, retried on a non-2xx answer or a
/// timeout on the specification's schedule until an attempt succeeds or the schedule runs out.
package final class WebhookPusher: Sendable {
    let plan: WebhookPlan
    let logger: Logger
    private let report = Mutex(WebhookPushReport())
    private let random = Mutex(SystemRandomNumberGenerator())

    package init(plan: WebhookPlan, logger: Logger) {
        self.plan = plan
        self.logger = logger
    }

    /// What the pushes came to so far.
    package var pushReport: WebhookPushReport { report.withLock { $0 } }

    /// Pushes one memory (`json`, Buddi id `buddiID`) until it is acknowledged or given up on.
    package func push(buddiID: String, json: String) async {
        if chance(plan.undeliveredRate) {
            fault("undelivered")
            report.withLock { _ = $0.abandoned.insert(buddiID) }
            return
        }
        if chance(plan.outOfOrderRate) {
            // Held back a while, so that memories created after it are delivered first.
            fault("out_of_order")
            try? await Task.sleep(for: .milliseconds(random.withLock { Int.random(in: 500...2000, using: &$0) }))
        }
        await deliver(buddiID: buddiID, json: json)
    }

    private func deliver(buddiID: String, json: String) async {
        let webhookID = "msg_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let body = Array(json.utf8)
        let twice = chance(plan.duplicateRate)
        if twice { fault("duplicate") }
        async let second: Bool = twice ? attempt(webhookID: webhookID, body: body, first: false) : false
        var retry = 0
        var acknowledged = await attempt(webhookID: webhookID, body: body, first: true)
        while !acknowledged, retry < WebhookPlan.retrySchedule.count, !Task.isCancelled {
            retry += 1
            try? await Task.sleep(for: plan.backoff(before: retry))
            acknowledged = await attempt(webhookID: webhookID, body: body, first: false)
        }
        let alsoAcknowledged = await second
        report.withLock { report in
            if acknowledged || alsoAcknowledged {
                report.acknowledged.insert(buddiID)
            } else {
                report.abandoned.insert(buddiID)
            }
        }
    }

    /// One attempt; whether it got a 2xx.
    private func attempt(webhookID: String, body: [UInt8], first: Bool) async -> Bool {
        var timestamp = Int64(Date().timeIntervalSince1970)
        var secret = plan.secret
        if first, chance(plan.badSignatureRate) {
            secret = WebhookSecret.random()
            fault("bad_signature")
        } else if first, chance(plan.staleTimestampRate) {
            timestamp -= 600
            fault("stale_timestamp")
        }
        let request = SignedDelivery.request(url: plan.url.absoluteString, id: webhookID, timestamp: timestamp, body: body, secret: secret)
        let drop = chance(plan.dropRate)
        if drop { fault("dropped") }
        do {
            // A dropped connection: the request goes out, and the sender stops listening at once.
            let response = try await HTTPClient.shared.execute(request, timeout: drop ? .milliseconds(1) : TimeAmount(plan.timeout))
            for try await _ in response.body {}
            let status = Int(response.status.code)
            report.withLock { report in
                report.attempts += 1
                switch status {
                case 200..<300: report.succeeded += 1
                case 401: report.unauthorized += 1
                default: report.otherStatus += 1
                }
            }
            return (200..<300).contains(status)
        } catch {
            report.withLock { report in
                report.attempts += 1
                report.unanswered += 1
            }
            return false
        }
    }

    private func chance(_ rate: Double) -> Bool {
        rate > 0 && random.withLock { Double.random(in: 0..<1, using: &$0) } < rate
    }

    private func fault(_ kind: String) {
        report.withLock { $0.faults[kind, default: 0] += 1 }
    }
}
