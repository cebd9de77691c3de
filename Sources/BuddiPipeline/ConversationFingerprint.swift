import BuddiAPI
import BuddiLedger
import Foundation

/// The fields of a conversation that its Merkle root covers, each as a canonical string:
/// text as stored; jsonb as Postgres prints it (its own canonical form); timestamps as
/// ISO 8601 UTC with milliseconds; numbers in Swift's shortest round-trip form; string lists as
/// JSON arrays; a missing value as the empty string. Processing computes the root from these
/// fields and `buddi verify` recomputes it from the stored row, so any change to a covered
/// column shows.
enum ConversationFingerprint {
    static func fields(of conversation: StoredConversation, analytics: StoredAnalytics) throws -> ConversationFields {
        try ConversationFields([
            ("buddi_id", conversation.buddiID),
            ("title", conversation.title ?? ""),
            ("summary", conversation.summary ?? ""),
            ("emoji", conversation.emoji ?? ""),
            ("category", conversation.category ?? ""),
            ("action_items", conversation.actionItemsJSON),
            ("metadata", conversation.metadataJSON),
            ("created_at", timestamp(conversation.createdAt)),
            ("finished_at", timestamp(conversation.finishedAt)),
            ("sentiment_score", "\(analytics.sentimentScore)"),
            ("sentiment_label", analytics.sentimentLabel),
            ("keywords", list(analytics.keywords)),
            ("topics", list(analytics.topics)),
            ("quality_score", "\(analytics.qualityScore)"),
            ("engagement_score", "\(analytics.engagementScore)"),
        ])
    }

    /// The root over those fields.
    static func merkleRoot(of conversation: StoredConversation, analytics: StoredAnalytics) throws -> String {
        MerkleTree(fields: try fields(of: conversation, analytics: analytics)).root
    }

    private static func timestamp(_ date: Date?) -> String {
        guard let date else { return "" }
        return date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    private static func list(_ values: [String]) -> String {
        LedgerValue.canonical(.array(values.map(JSONValue.string)))
    }
}
