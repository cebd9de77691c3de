import Logging
import PostgresResilience
import ServiceLifecycle

/// Runs beside the webhook endpoint: adds the refused deliveries counted in memory
/// (``WebhookTotals``) to `webhook_refusals_per_hour` every few seconds, and deletes deliveries older than the retention.
package struct WebhookUpkeep: Service {
    /// How often refusals are written. Defaults to 10 seconds.
    package static let flushIntervalDefault = Duration.seconds(10)
    /// How long a delivery's webhook-id is remembered: longer than a sender retries (about three
    /// days by the specification's schedule). Defaults to 7 days.
    package static let retentionDefault = Duration.seconds(7 * 86_400)

    let client: DatabaseClient
    let totals: WebhookTotals
    let flushInterval: Duration
    let retention: Duration
    let logger: Logger

    package init(
        client: DatabaseClient, totals: WebhookTotals, flushInterval: Duration = flushIntervalDefault,
        retention: Duration = retentionDefault, logger: Logger
    ) {
        self.client = client
        self.totals = totals
        self.flushInterval = flushInterval
        self.retention = retention
        self.logger = logger
    }

    package func run() async throws {
        // Each round writes what was counted since the last write that went through and, hourly, prunes.
        await cancelWhenGracefulShutdown {
            var lastPrune = ContinuousClock.now - .seconds(3600)
            while !Task.isCancelled {
                try? await Task.sleep(for: flushInterval)
                await flush()
                if ContinuousClock.now - lastPrune >= .seconds(3600) {
                    lastPrune = ContinuousClock.now
                    await prune()
                }
            }
        }
        await flush()
    }

    private func prune() async {
        do {
            try await withDatabaseDeadline(.seconds(60), "pruning webhook deliveries") {
                try await client.execute(WebhookSQL.prune(olderThanSeconds: Int(retention.components.seconds)), logger: logger)
            }
        } catch {
            logger.warning("could not prune old webhook deliveries; trying again in an hour", metadata: ["error": "\(String(describing: error))"])
        }
    }

    private func flush() async {
        let refusals = totals.refusalsToWrite()
        guard refusals.unauthorized + refusals.unavailable > 0 else { return }
        do {
            try await withDatabaseDeadline(.seconds(5), "counting refused webhook deliveries") {
                try await client.execute(WebhookSQL.countRefusals(unauthorized: refusals.unauthorized, unavailable: refusals.unavailable), logger: logger)
            }
            totals.wrote(refusals)
        } catch {
            // Left to the next round.
        }
    }
}
