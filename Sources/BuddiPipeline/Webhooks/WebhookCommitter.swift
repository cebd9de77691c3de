import BuddiLedger
import Logging
import PostgresNIO
import PostgresResilience

/// Commits a batch of deliveries in one transaction (durably: no commit is acknowledged before
/// its WAL is flushed) and answers each.
struct WebhookCommitter: Sendable {
    let client: DatabaseClient
    let store: ConversationStore
    let ledger: PostgresLedger
    let deadline: Duration
    let logger: Logger

    /// Commits `batch`; when the database refuses one of its memories, each delivery is committed
    /// alone, and the one refused is recorded as rejected with the database's reason.
    func commit(_ batch: [WebhookDelivery]) async throws -> [WebhookReceipt] {
        do {
            return try await commitWithin(batch)
        } catch where batch.count > 1 && !DatabaseInterruption.isInterruption(error) {
            var receipts: [WebhookReceipt] = []
            for delivery in batch { receipts.append(try await commitAlone(delivery)) }
            return receipts
        }
    }

    private func commitAlone(_ delivery: WebhookDelivery) async throws -> WebhookReceipt {
        do {
            return try await commitWithin([delivery])[0]
        } catch {
            guard case .memory(_, let memory) = delivery.content, let reason = DatabaseRefusal.reason(error) else { throw error }
            var rejection = MemoryRejection(memory, reason: "the database refused it: \(reason)", pageCursor: nil, position: 0)
            rejection.webhookID = delivery.webhookID
            return try await commitWithin([WebhookDelivery(webhookID: delivery.webhookID, content: .rejected(rejection, status: 422))])[0]
        }
    }

    private func commitWithin(_ batch: [WebhookDelivery]) async throws -> [WebhookReceipt] {
        try await withDatabaseDeadline(deadline, "storing \(batch.count) webhook deliveries") {
            try await client.transaction(logger: logger) { connection in
                try await commitTogether(batch, on: connection)
            }
        }
    }

    /// In the transaction: answers deliveries acknowledged before as they were; stores the
    /// others' memories in one statement and records their rejections and their answers.
    private func commitTogether(_ batch: [WebhookDelivery], on connection: PostgresConnection) async throws -> [WebhookReceipt] {
        var earlier: [String: WebhookReceipt] = [:]
        let rows = try await connection.query(WebhookSQL.acknowledged(Array(Set(batch.map(\.webhookID)))), logger: logger)
        for try await (id, outcome, status, buddiID, reason) in rows.decode((String, String, Int16, String?, String?).self) {
            earlier[id] = WebhookReceipt(outcome: WebhookOutcome(rawValue: outcome) ?? .rejected, status: Int(status), buddiID: buddiID, reason: reason)
        }
        // The first delivery of each webhook-id not acknowledged before is fresh; the others repeat one.
        var firstOf: [String: Int] = [:]
        for (index, delivery) in batch.enumerated() where earlier[delivery.webhookID] == nil && firstOf[delivery.webhookID] == nil {
            firstOf[delivery.webhookID] = index
        }
        let fresh = firstOf.values.sorted()
        let drafts = fresh.compactMap { index -> ConversationDraft? in
            if case .memory(let draft, _) = batch[index].content { return draft }
            return nil
        }
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
            try await connection.query(WebhookSQL.record(fresh.map { (batch[$0].webhookID, receipts[$0]!) }), logger: logger)
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
