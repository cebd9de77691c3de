import BuddiLedger
import Logging
import PostgresNIO

/// Checks stored conversations against the ledger: the Merkle root recomputed from the stored
/// fields must equal the stored root and the anchored root, the anchor must sit in its block,
/// and the block chain must hold.
public struct ConversationVerifier: Sendable {
    let client: PostgresClient
    let ledger: LedgerVerifier
    let store: ConversationStore

    /// A verifier over the database `client` connects to.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.ledger = LedgerVerifier(client: client, logger: logger)
        self.store = ConversationStore(logger: logger)
    }

    /// The outcome of a verification.
    public struct Report: Sendable {
        /// How many conversations were checked.
        public var checked: Int
        /// Everything that did not match, each naming the conversation, anchor or block.
        public var problems: [String]
    }

    /// Verifies one conversation by its Buddi id.
    public func verify(buddiID: String) async throws -> Report {
        let found = try await client.withConnection { try await store.conversations(ConversationSQL.byBuddiID(buddiID), on: $0) }
        guard let conversation = found.first else {
            return Report(checked: 0, problems: ["conversation \(buddiID): not stored"])
        }
        return Report(checked: 1, problems: try await problems(of: conversation))
    }

    /// Verifies every processed conversation and the whole chain, a page at a time.
    public func verifyAll(pageSize: Int = 1000) async throws -> Report {
        var report = Report(checked: 0, problems: try await ledger.verifyChain().map(\.description))
        var lastID: Int64 = 0
        while true {
            let page = try await client.withConnection {
                try await store.conversations(ConversationSQL.processed(afterID: lastID, limit: pageSize), on: $0)
            }
            for conversation in page {
                report.problems += try await problems(of: conversation)
            }
            report.checked += page.count
            guard let last = page.last, page.count == pageSize else { return report }
            lastID = last.id
        }
    }

    private func problems(of conversation: StoredConversation) async throws -> [String] {
        let name = "conversation \(conversation.buddiID)"
        guard conversation.processingState == "processed", let analytics = conversation.analytics,
            let storedRoot = conversation.merkleRoot, let anchorID = conversation.anchorID
        else {
            return ["\(name): not processed (\(conversation.processingState))"]
        }
        let root = try ConversationFingerprint.merkleRoot(of: conversation, analytics: analytics)
        var problems: [String] = []
        if root != storedRoot {
            problems.append("\(name): its fields no longer match its Merkle root (stored \(storedRoot.prefix(16))…, recomputed \(root.prefix(16))…)")
        }
        if conversation.tokenID == nil {
            problems.append("\(name): no access token")
        }
        problems += try await ledger.verifyAnchor(id: anchorID, expectedRoot: root).map { "\(name): \($0)" }
        return problems
    }
}
