import BuddiAPI
import BuddiLedger
import Foundation

/// The fields of a conversation that its Merkle root covers, each as a canonical string: text as
/// stored, JSON as stored, numbers in Swift's shortest round-trip form, string lists as JSON
/// arrays, a missing value as the empty string. The fetch computes the root before it stores the
/// row and `buddi verify` recomputes it from the stored row, so any change to a covered column
/// shows.
///
/// Two versions, named in each anchor's manifest: `conversation-v2` (every conversation stored
/// since 0.2.0) covers `raw`, the memory as stored, with times to the microsecond;
/// `conversation-v1` (stored by 0.1.0) covers `metadata` instead, with times to the millisecond.
enum ConversationFingerprint: String, Sendable {
    case v1 = "conversation-v1"
    case v2 = "conversation-v2"

    /// The fields of `columns` with `analytics`, as this version covers them.
    func fields(of columns: FingerprintedColumns, analytics: StoredAnalytics) throws -> ConversationFields {
        try ConversationFields([
            ("buddi_id", columns.buddiID),
            ("title", columns.title ?? ""),
            ("summary", columns.summary ?? ""),
            ("emoji", columns.emoji ?? ""),
            ("category", columns.category ?? ""),
            ("action_items", columns.actionItemsJSON),
            self == .v1 ? ("metadata", columns.memoryJSON) : ("raw", columns.memoryJSON),
            ("created_at", self == .v1 ? Self.milliseconds(columns.createdAt) : Self.microseconds(columns.createdMicros)),
            ("finished_at", self == .v1 ? Self.milliseconds(columns.finishedAt) : Self.microseconds(columns.finishedMicros)),
            ("sentiment_score", "\(analytics.sentimentScore)"),
            ("sentiment_label", analytics.sentimentLabel),
            ("keywords", Self.list(analytics.keywords)),
            ("topics", Self.list(analytics.topics)),
            ("quality_score", "\(analytics.qualityScore)"),
            ("engagement_score", "\(analytics.engagementScore)"),
        ])
    }

    /// The root over those fields.
    func merkleRoot(of columns: FingerprintedColumns, analytics: StoredAnalytics) throws -> String {
        MerkleTree(fields: try fields(of: columns, analytics: analytics)).root
    }

    /// What an anchor of this version describes: which conversation, and which fingerprint.
    func manifest(buddiID: String) -> String {
        JSONValue.object(["buddi_id": .string(buddiID), "fingerprint": .string(rawValue)]).jsonText
    }

    /// ISO 8601 in UTC to the millisecond (v1).
    private static func milliseconds(_ date: Date?) -> String {
        guard let date else { return "" }
        return date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// ISO 8601 in UTC to the microsecond the database keeps (v2), from whole microseconds, so
    /// that no floating-point rounding can change a digit.
    private static func microseconds(_ micros: Int64?) -> String {
        guard let micros else { return "" }
        let fraction = ((micros % 1_000_000) + 1_000_000) % 1_000_000
        let date = Date(timeIntervalSince1970: Double((micros - fraction) / 1_000_000))
        let digits = String(fraction)
        let text = date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
        return String(text.dropLast()) + "." + String(repeating: "0", count: 6 - digits.count) + digits + "Z"
    }

    private static func list(_ values: [String]) -> String {
        LedgerValue.canonical(.array(values.map(JSONValue.string)))
    }
}

/// The stored columns of a conversation that its fingerprint covers, as the database returns
/// them (and, for a memory about to be stored, as it will).
struct FingerprintedColumns: Sendable {
    var buddiID: String
    var title: String?
    var summary: String?
    var emoji: String?
    var category: String?
    var actionItemsJSON: String
    /// `raw` (v2), or `metadata` (v1).
    var memoryJSON: String
    /// The times as read from the database, which v1 covers to the millisecond.
    var createdAt: Date?
    var finishedAt: Date?
    /// The times in microseconds since 1970, which v2 covers.
    var createdMicros: Int64?
    var finishedMicros: Int64?
}
