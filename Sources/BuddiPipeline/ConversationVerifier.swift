import PostgresResilience
import BuddiLedger
import Logging
import PostgresNIO

/// Checks stored conversations against the ledger: the Merkle root recomputed from the stored
/// fields must equal the stored root and the anchored root, the anchor must sit in its block,
/// and the block chain must hold.
package struct ConversationVerifier: Sendable {
    let client: DatabaseClient
    let ledger: LedgerVerifier
    let store: ConversationStore

    /// A verifier over the database `client` connects to.
    package init(client: DatabaseClient, logger: Logger) {
        self.client = client
        self.ledger = LedgerVerifier(client: client, logger: logger)
        self.store = ConversationStore(logger: logger)
    }

    /// The outcome of a verification.
    package struct Report: Sendable {
        /// How many conversations were checked.
        package var checked: Int
        /// Everything that did not match, each naming the conversation, anchor or block.
        package var problems: [String]
    }

    /// Verifies one conversation by its Buddi id, its anchor's inclusion in its block, and that
    /// block's link to the one before.
    package func verify(buddiID: String) async throws -> Report {
        let found = try await client.withConnection { try await store.conversations(ConversationSQL.byBuddiID(buddiID), on: $0) }
        guard let conversation = found.first else {
            return Report(checked: 0, problems: ["conversation \(buddiID): not stored"])
        }
        return try await verify(conversation)
    }

    /// Verifies a conversation already read: its fields, its anchor in its block, and that
    /// block's link to the one before.
    func verify(_ conversation: StoredConversation) async throws -> Report {
        let (problems, anchor) = try fieldProblems(of: conversation)
        guard let (anchorID, root) = anchor else { return Report(checked: 1, problems: problems) }
        let ledgerProblems = try await ledger.verifyAnchor(id: anchorID, expectedRoot: root)
        return Report(checked: 1, problems: problems + ledgerProblems.map { "conversation \(conversation.buddiID): \($0)" })
    }

    /// How many conversations ``verifyAll(pageSize:progress:)`` will check.
    package func processedCount() async throws -> Int {
        var count = 0
        for try await value in try await client.query(
            "SELECT count(*) FROM conversations WHERE processing_state = \(unescaped: ProcessingState.processed.sql)", logger: store.logger
        ).decode(Int64.self) {
            count = Int(value)
        }
        return count
    }

    /// Verifies every processed conversation, a page at a time (each page's anchors in one
    /// query), and the whole chain (every block recomputed from its anchors). `progress` is told
    /// how many are checked after each page.
    package func verifyAll(pageSize: Int = 1000, progress: (Int) -> Void = { _ in }) async throws -> Report {
        var report = Report(checked: 0, problems: try await ledger.verifyChain().map(\.description))
        var lastID: Int64 = 0
        while true {
            let page = try await client.withConnection {
                try await store.conversations(ConversationSQL.processed(afterID: lastID, limit: pageSize), on: $0)
            }
            var expected: [Int64: String] = [:]
            var owners: [Int64: String] = [:]
            for conversation in page {
                let (problems, anchor) = try fieldProblems(of: conversation)
                report.problems += problems
                if let (anchorID, root) = anchor {
                    expected[anchorID] = root
                    owners[anchorID] = conversation.buddiID
                }
            }
            for problem in try await ledger.verifyAnchorRoots(expected) {
                let owner = problem.anchorID.flatMap { owners[$0] } ?? "?"
                report.problems.append("conversation \(owner): \(problem)")
            }
            report.checked += page.count
            progress(report.checked)
            guard let last = page.last, page.count == pageSize else { return report }
            lastID = last.id
        }
    }

    /// What is wrong with a conversation's own fields, and the anchor to check with the root its
    /// fields give (nil when it has none to check).
    private func fieldProblems(of conversation: StoredConversation) throws -> ([String], (Int64, String)?) {
        let name = "conversation \(conversation.buddiID)"
        guard conversation.processingState == .processed, let analytics = conversation.analytics,
            let storedRoot = conversation.merkleRoot, let anchorID = conversation.anchorID
        else {
            return (["\(name): not processed (\(conversation.processingState?.rawValue ?? "unknown"))"], nil)
        }
        let root = try conversation.recomputedRoot(analytics: analytics)
        var problems: [String] = []
        if root != storedRoot {
            problems.append("\(name): its fields no longer match its Merkle root (stored \(storedRoot.prefix(16))…, recomputed \(root.prefix(16))…)")
        }
        if conversation.tokenID == nil {
            problems.append("\(name): no access token")
        }
        return (problems, (anchorID, root))
    }
}
