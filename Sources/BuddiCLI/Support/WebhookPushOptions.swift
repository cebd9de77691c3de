import ArgumentParser
import BuddiAPI
import BuddiRuntime
import BuddiSimulator
import Foundation

/// `buddi simulator`'s options for pushing each new memory to a webhook endpoint.
struct WebhookPushOptions: ParsableArguments {
    @Option(help: "Push each memory that arrives (see --arrival-rate) to this URL, signed (Standard Webhooks), e.g. http://127.0.0.1:8000/api/webhooks/memories.")
    var webhookURL: String?

    @Option(help: "The whsec_… secret deliveries are signed with (default: the first of BUDDI_WEBHOOK_SECRETS).")
    var webhookSecret: String?

    @Option(help: "The specification's retry schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) multiplied by this.")
    var webhookBackoffScale = 1.0

    @Option(help: "Milliseconds an attempt may take before it counts as failed and is retried.")
    var webhookTimeoutMs = 15_000

    @Option(help: "Fraction of deliveries sent twice with the same webhook-id.")
    var webhookDuplicateRate = 0.0

    @Option(help: "Fraction of deliveries held back 0.5-2 s, so that later memories arrive first.")
    var webhookOutOfOrderRate = 0.0

    @Option(help: "Fraction of first attempts signed with a wrong key.")
    var webhookBadSignatureRate = 0.0

    @Option(help: "Fraction of first attempts with a timestamp 10 minutes old.")
    var webhookStaleRate = 0.0

    @Option(help: "Fraction of attempts whose connection is closed before the answer.")
    var webhookDropRate = 0.0

    @Option(help: "Fraction of memories never delivered, as if every attempt failed (the next fetch stores them).")
    var webhookUndeliveredRate = 0.0

    func validate() throws {
        let rates = [webhookDuplicateRate, webhookOutOfOrderRate, webhookBadSignatureRate, webhookStaleRate, webhookDropRate, webhookUndeliveredRate]
        guard rates.allSatisfy({ (0...1).contains($0) }) else { throw ValidationError("every --webhook-…-rate fraction must be from 0 to 1") }
        guard webhookBackoffScale >= 0, webhookBackoffScale.isFinite else { throw ValidationError("--webhook-backoff-scale must be 0 or more") }
        guard webhookTimeoutMs > 0 else { throw ValidationError("--webhook-timeout-ms must be more than 0") }
        if let webhookURL {
            guard let url = URL(string: webhookURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ValidationError("--webhook-url must be an http or https URL, got '\(webhookURL)'")
            }
        }
    }

    /// The plan, or nil without --webhook-url. Throws naming the option when no usable secret is given.
    func plan(environment: [String: String]) throws -> WebhookPlan? {
        guard let webhookURL, let url = URL(string: webhookURL) else { return nil }
        let secret: WebhookSecret
        do {
            if let webhookSecret {
                secret = try WebhookSecret(webhookSecret)
            } else if let first = try WebhookSecret.fromEnvironment(environment).first {
                secret = first
            } else {
                throw ValidationError("--webhook-url needs --webhook-secret or BUDDI_WEBHOOK_SECRETS")
            }
        } catch let error as SecretSettingError {
            throw ValidationError("--webhook-secret: \(error.description)")
        }
        return WebhookPlan(
            url: url, secret: secret, backoffScale: webhookBackoffScale, timeout: .milliseconds(webhookTimeoutMs),
            duplicateRate: webhookDuplicateRate, outOfOrderRate: webhookOutOfOrderRate, badSignatureRate: webhookBadSignatureRate,
            staleTimestampRate: webhookStaleRate, dropRate: webhookDropRate, undeliveredRate: webhookUndeliveredRate)
    }
}
