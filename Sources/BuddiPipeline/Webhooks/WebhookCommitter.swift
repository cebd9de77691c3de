import BuddiLedger
import JobQueue
import Logging
import PostgresNIO
import PostgresResilience
import Tracing

/// Commits a batch of deliveries in one transaction (durably: no commit is acknowledged before
/// its WAL is flushed) and answers each.
struct WebhookCommitter: Sendable {
    let client: DatabaseClient
    let store: ConversationStore
    let ledger: PostgresLedger
    let deadline: Duration
    let logger: Logger

    /// Commits `batch`; when the database refuses it, each delivery is committed alone: one whose
    /// memory the database refuses for what it holds is recorded as rejected with the database's
    /// reason, one that meets an interruption or a conflict (deadlock, serialization) is answered
    /// 503 for its sender to retry, and the others go on.
    func commit(_ batch: [WebhookDelivery]) async throws -> [WebhookReceipt] {
        do {
            return try await commitWithin(batch)
        } catch where batch.count > 1 && !DatabaseInterruption.isInterruption(error) {
            var receipts: [WebhookReceipt] = []
            for delivery in batch {
                do {
                    receipts.append(try await commitAlone(delivery))
                } catch {
                    logger.warning("could not store a webhook delivery; answered 503 for the sender to retry", metadata: [
                        "webhook_id": "\(delivery.webhookID)", "error": "\(String(describing: error))"])
                    receipts.append(WebhookReceipt(outcome: .unavailable, status: 503, reason: "the database could not take it now; retry later"))
                }
            }
            return receipts
        }
    }

    private func commitAlone(_ delivery: WebhookDelivery) async throws -> WebhookReceipt {
        do {
            return try await commitWithin([delivery])[0]
        } catch {
            guard case .memory(_, let memory) = delivery.content, !DatabaseInterruption.isInterruption(error), !Self.isConflict(error) else {
                throw error
            }
            let reason = DatabaseRefusal.reason(error) ?? ErrorSummary.oneLine(error)
            let rejection = MemoryRejection(memory, reason: "the database refused it: \(reason)", delivery: delivery.webhookID)
            return try await commitWithin([WebhookDelivery(
                webhookID: delivery.webhookID, content: .rejected(rejection, status: 422), traceContext: delivery.traceContext)])[0]
        }
    }

    /// Whether `error` is a conflict with another transaction (SQLSTATE class 40), which a retry mends.
    private static func isConflict(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState]?.hasPrefix("40") ?? false
    }

    /// In a span of its own (the batch's deliveries are of many traces), linked to each delivery's.
    private func commitWithin(_ batch: [WebhookDelivery]) async throws -> [WebhookReceipt] {
        try await withSpan("store webhook deliveries", context: .topLevel) { span in
            for case let context? in batch.map(\.traceContext) { span.addLink(SpanLink(context: context, attributes: [:])) }
            span.setMemoryIDs(batch.compactMap(\.buddiID))
            return try await withDatabaseDeadline(deadline, "storing \(batch.count) webhook deliveries") {
                try await client.transaction(logger: logger) { connection in
                    try await commitTogether(batch, on: connection)
                }
            }
        }
    }

    /// In the transaction: answers deliveries acknowledged before as they were; stores the
    /// others' memories in one statement and records their rejections and their answers.
    private func commitTogether(_ batch: [WebhookDelivery], on connection: PostgresConnection) async throws -> [WebhookReceipt] {
        var earlier: [String: WebhookReceipt] = [:]
        let acknowledged = AcknowledgedDeliveries(query: WebhookSQL.acknowledged(Array(Set(batch.map(\.webhookID)))))
        for try await (id, outcome, status, buddiID, reason) in try await connection.execute(acknowledged, logger: logger) {
            earlier[id] = WebhookReceipt(outcome: WebhookOutcome(rawValue: outcome) ?? .rejected, status: Int(status), buddiID: buddiID, reason: reason)
        }
        // The first delivery of each webhook-id not acknowledged before is fresh; the others repeat one.
        var firstOf: [String: Int] = [:]
        for (index, delivery) in batch.enumerated() where earlier[delivery.webhookID] == nil && firstOf[delivery.webhookID] == nil {
            firstOf[delivery.webhookID] = index
        }
        let fresh = firstOf.values.sorted()
        // Rows are written in key order (Buddi id, webhook-id): two transactions holding some of the
        // same keys (two serve processes given the same memories) then wait in one order, never deadlock.
        let drafts = fresh.compactMap { index -> ConversationDraft? in
            if case .memory(let draft, _) = batch[index].content { return draft }
            return nil
        }.sorted { $0.columns.buddiID < $1.columns.buddiID }
        let stored = drafts.isEmpty
            ? [] : try await store.insert(drafts, origin: .webhook, contracts: try await ledger.contracts(on: connection), on: connection)
        var receipts = [WebhookReceipt?](repeating: nil, count: batch.count)
        var claimed = Set<String>()
        var rejections: [MemoryRejection] = []
        for index in fresh {
            switch batch[index].content {
            case .memory(let draft, _):
                let buddiID = draft.columns.buddiID
                let isNew = stored.contains(buddiID) && claimed.insert(buddiID).inserted
                receipts[index] = WebhookReceipt(outcome: isNew ? .stored : .duplicate, status: 200, buddiID: buddiID)
            case .rejected(let rejection, let status):
                rejections.append(rejection)
                receipts[index] = WebhookReceipt(outcome: .rejected, status: status, buddiID: rejection.buddiID, reason: rejection.reason)
            }
        }
        if !rejections.isEmpty {
            try await connection.query(RejectionSQL.record(rejections, jobID: nil), logger: logger)
        }
        if !fresh.isEmpty {
            let record = RecordDeliveries(query: WebhookSQL.record(fresh.map { (batch[$0].webhookID, receipts[$0]!) }.sorted { $0.0 < $1.0 }))
            for try await _ in try await connection.execute(record, logger: logger) {}
        }
        return batch.indices.map { index in
            receipts[index] ?? Self.repeated(earlier[batch[index].webhookID] ?? receipts[firstOf[batch[index].webhookID]!]!)
        }
    }

    /// The answer to a webhook-id delivered again: a duplicate of what it stored, or the same rejection.
    private static func repeated(_ first: WebhookReceipt) -> WebhookReceipt {
        first.outcome == .rejected ? first : WebhookReceipt(outcome: .duplicate, status: 200, buddiID: first.buddiID)
    }
}
