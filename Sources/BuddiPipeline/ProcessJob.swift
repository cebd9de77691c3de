import BuddiAPI
import BuddiAnalytics
import BuddiLedger
import Foundation
import JobQueue
import Logging
import PostgresNIO
import PostgresResilience
import Tracing

/// Runs the `process` jobs of conversations that 0.1.0 stored pending (this version stores every
/// conversation complete): for a batch, analytics, the Merkle root (``ConversationFingerprint/v1``,
/// over what 0.1.0 stored), an anchor and an access token, all recorded in one transaction. A conversation that cannot be
/// processed gets its reason recorded and does not fail the others. An already processed
/// conversation is left alone, so a retried or repeated job anchors nothing twice.
struct ProcessJob: Sendable {
    let client: DatabaseClient
    let ledger: any Ledger
    let analyzer: ConversationAnalyzer
    let store: ConversationStore
    /// The account the access tokens are minted to.
    let tokenOwner: String

    /// The job's result.
    struct Result: Codable, Sendable {
        var processed: Int
        var failed: Int
        var skipped: Int
    }

    func run(_ args: ProcessArgs, context: JobContext) async throws -> Result {
        try await client.transaction(logger: context.logger) { connection in
            try await connection.skipCommitFlush(logger: context.logger)
            let batch = try await store.lockForProcessing(args.conversationIDs, on: connection)
            var ready: [(conversation: StoredConversation, analytics: StoredAnalytics, root: String)] = []
            var failed: [FailedRow] = []
            for conversation in batch where conversation.processingState != .processed {
                do {
                    let analytics = try analyze(conversation)
                    ready.append((conversation, analytics, try conversation.recomputedRoot(analytics: analytics)))
                } catch {
                    context.logger.error("cannot process conversation", metadata: ["buddi_id": "\(conversation.buddiID)", "error": "\(error)"])
                    failed.append(FailedRow(id: conversation.id, error: "\(error)"))
                }
            }
            // The whole batch is anchored in one statement and minted in another.
            let requests = ready.map {
                AnchorRequest(
                    merkleRoot: $0.root, manifest: $0.conversation.fingerprint.manifest(buddiID: $0.conversation.buddiID), policy: Pipeline.anchorPolicy,
                    storageHint: "postgres:conversations/\($0.conversation.id)")
            }
            let anchors = try await withSpan("anchor conversations") { span in
                span.setMemoryIDs(ready.map(\.conversation.buddiID))
                return try await ledger.anchor(requests, on: connection)
            }
            let tokens = try await ledger.mint(anchors.map { MintRequest(owner: tokenOwner, anchorID: $0.id) }, on: connection)
            let processed = zip(ready, zip(anchors, tokens)).map { item, ledgerEntry in
                let (anchor, token) = ledgerEntry
                return ProcessedRow(
                    id: item.conversation.id, sentimentScore: item.analytics.sentimentScore,
                    sentimentLabel: item.analytics.sentimentLabel, keywords: item.analytics.keywords,
                    topics: item.analytics.topics, qualityScore: item.analytics.qualityScore,
                    engagementScore: item.analytics.engagementScore, merkleRoot: item.root, anchorID: anchor.id,
                    tokenID: token.id, tokenURI: token.tokenURI, contractAddress: anchor.contractAddress)
            }
            try await store.recordProcessed(processed, on: connection)
            try await store.recordFailed(failed, on: connection)
            try await context.markProgress(on: connection)
            return Result(processed: processed.count, failed: failed.count, skipped: args.conversationIDs.count - processed.count - failed.count)
        }
    }

    /// Analytics of a stored conversation, from its stored columns.
    private func analyze(_ conversation: StoredConversation) throws -> StoredAnalytics {
        guard conversation.rawCarriesID else { throw UnprocessableConversation.rawWithoutID(conversation.buddiID) }
        let input = AnalyticsInput(
            title: conversation.title, text: conversation.summary, category: conversation.category,
            actionItems: conversation.actionItems,
            transcript: conversation.transcript.map { TranscriptLine(speaker: $0.speaker, text: $0.text, start: $0.start, end: $0.end) },
            startedAt: conversation.startedAt, finishedAt: conversation.finishedAt)
        return StoredAnalytics(analyzer.analyze(input))
    }
}

/// Why a stored conversation cannot be processed.
enum UnprocessableConversation: Error, CustomStringConvertible {
    /// Its raw memory does not carry its Buddi id: the row was damaged after the fetch.
    case rawWithoutID(String)

    var description: String {
        switch self {
        case .rawWithoutID(let id): "the stored raw memory does not carry the Buddi id \(id) (damaged row)"
        }
    }
}
