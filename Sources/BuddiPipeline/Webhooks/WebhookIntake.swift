import BuddiAPI
import BuddiAnalytics
import BuddiLedger
import JobQueue
import Logging
import PostgresNIO
import PostgresResilience
import Tracing

/// Takes memories pushed to `POST /api/webhooks/memories` (already authenticated by their
/// signature) down the fetch's path: the same checks and limits, the same draft (analysed and
/// fingerprinted), the same statement storing each complete with its anchor and token, the same
/// `rejected_memories`. A delivery is answered only once what it brought is committed.
///
/// ```swift
/// let intake = WebhookIntake(client: client, limits: limits, logger: logger)
/// let receipt = await intake.receive(webhookID: headers.id, body: bytes)
/// // receipt.status: 200 stored or duplicate, 4xx rejected, 503 unavailable
/// ```
///
/// Deliveries arriving together share transactions (``CommitGroup``); each webhook-id is
/// recorded in `webhook_deliveries`, so a retry of it stores nothing and gets the first answer.
package struct WebhookIntake: Sendable {
    /// The longest webhook-id taken, in UTF-8 bytes.
    package static let maxWebhookIDBytes = 256
    /// How long a delivery waits for its commit before it is answered 503. Defaults to 5 seconds.
    package static let commitDeadlineDefault = Duration.seconds(5)

    let limits: MemoryLimits
    let logger: Logger
    /// Deliveries answered by this process, by outcome, since it started.
    package let totals = WebhookTotals()
    private let group: CommitGroup<WebhookDelivery, WebhookReceipt>

    package init(client: DatabaseClient, limits: MemoryLimits, commitDeadline: Duration = commitDeadlineDefault, logger: Logger) {
        self.limits = limits
        self.logger = logger
        let committer = WebhookCommitter(
            client: client, store: ConversationStore(logger: logger), ledger: PostgresLedger(client: client, logger: logger),
            deadline: commitDeadline, logger: logger)
        // One transaction at a time until 64 deliveries wait (see docs/pipeline.md); a delivery
        // waits at most the commit deadline for its turn, behind at most 1,024 others.
        group = CommitGroup(committers: 2, batchLimit: 256, maxWait: commitDeadline, maxWaiting: 1024, commit: committer.commit)
    }

    /// Reads, drafts and stores the memory of a delivery whose signature checked out, and returns
    /// the answer once it is committed; counts the outcome.
    package func receive(webhookID: String, body: [UInt8]) async -> WebhookReceipt {
        let receipt = await withSpan("webhook delivery", ofKind: .consumer) { span in
            let receipt = await answer(webhookID: webhookID, body: body)
            if span.isRecording {
                span.attributes["webhook.id"] = webhookID
                span.attributes["webhook.outcome"] = receipt.outcome.rawValue
                span.attributes["http.response.status_code"] = receipt.status
                if let buddiID = receipt.buddiID { span.setMemoryIDs([buddiID]) }
                if receipt.status >= 400 { span.setStatus(SpanStatus(code: .error, message: receipt.reason)) }
            }
            return receipt
        }
        count(receipt.outcome)
        if receipt.outcome == .rejected {
            logger.warning("rejected a webhook delivery", metadata: [
                "webhook_id": "\(webhookID)", "status": "\(receipt.status)", "reason": "\(receipt.reason ?? "")"])
        }
        return receipt
    }

    /// Counts a delivery refused before it reached the intake (its signature did not check out).
    package func count(_ outcome: WebhookOutcome) {
        totals.count(outcome)
    }

    private func answer(webhookID: String, body: [UInt8]) async -> WebhookReceipt {
        guard webhookID.utf8.count <= Self.maxWebhookIDBytes, !webhookID.utf8.contains(0) else {
            return WebhookReceipt(
                outcome: .rejected, status: 400,
                reason: "webhook-id is longer than \(Self.maxWebhookIDBytes) bytes or contains U+0000 (NUL)")
        }
        do {
            return try await group.submit(WebhookDelivery(
                webhookID: webhookID, content: content(of: body, webhookID: webhookID), traceContext: ServiceContext.current))
        } catch {
            logger.warning("could not store a webhook delivery; answered 503 for the sender to retry", metadata: [
                "webhook_id": "\(webhookID)", "error": "\(String(describing: error))"])
            return WebhookReceipt(outcome: .unavailable, status: 503, reason: "the database is unavailable; retry later")
        }
    }

    /// The memory drafted, or why it cannot be stored and the status that says so.
    private func content(of body: [UInt8], webhookID: String) -> WebhookDelivery.Content {
        do throws(MemoryDocumentError) {
            let memory = try Memory(document: body, limits: limits)
            do {
                return .memory(try ConversationDraft(memory, analyzer: .shared, traceID: JobTraceContext.currentSampledTraceID()), memory)
            } catch {
                return .rejected(MemoryRejection(memory, reason: "cannot be analysed: \(error)", delivery: webhookID), status: 422)
            }
        } catch {
            let status = switch error {
            case .tooLarge: 413
            case .notJSON: 400
            case .notAMemory: 422
            }
            return .rejected(MemoryRejection(delivery: webhookID, error: error, body: body), status: status)
        }
    }
}

/// A delivery read and checked, waiting for its commit.
struct WebhookDelivery: Sendable {
    enum Content: Sendable {
        case memory(ConversationDraft, Memory)
        case rejected(MemoryRejection, status: Int)
    }

    let webhookID: String
    let content: Content
    /// The delivery's trace context, which the transaction storing it links to.
    let traceContext: ServiceContext?

    /// The Buddi id it brought, if it was read.
    var buddiID: String? {
        switch content {
        case .memory(let draft, _): draft.columns.buddiID
        case .rejected(let rejection, _): rejection.buddiID
        }
    }
}
