import BuddiAPI
import BuddiAnalytics
import Foundation
import PostgresNIO

/// A `conversations` row as processing and verification read it.
struct StoredConversation: Sendable {
    let id: Int64
    let buddiID: String
    let title: String?
    let summary: String?
    let emoji: String?
    let category: String?
    /// As stored (for a conversation stored by 0.1.0, as Postgres printed its jsonb).
    let actionItemsJSON: String
    /// Conversations stored by 0.1.0 only (see ``ConversationFingerprint/v1``).
    let metadataJSON: String?
    /// The memory as stored.
    let rawJSON: String
    /// For a pending conversation: whether its stored raw memory carries its Buddi id (else it
    /// is corrupt). True for the others.
    let rawCarriesID: Bool
    let createdAt: Date?
    let startedAt: Date?
    let finishedAt: Date?
    /// The times in whole microseconds since 1970, as the database keeps them.
    let createdMicros: Int64?
    let finishedMicros: Int64?
    let analytics: StoredAnalytics?
    let merkleRoot: String?
    let anchorID: Int64?
    let tokenID: Int64?
    let processingState: ProcessingState?

    init(row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        id = try columns["id"].decode(Int64.self)
        buddiID = try columns["buddi_id"].decode(String.self)
        title = try columns["title"].decode(String?.self)
        summary = try columns["summary"].decode(String?.self)
        emoji = try columns["emoji"].decode(String?.self)
        category = try columns["category"].decode(String?.self)
        actionItemsJSON = try columns["action_items"].decode(String.self)
        metadataJSON = try columns["metadata"].decode(String?.self)
        rawJSON = try columns["raw"].decode(String.self)
        rawCarriesID = try columns["raw_carries_id"].decode(Bool?.self) ?? true
        createdAt = try columns["memory_created_at"].decode(Date?.self)
        startedAt = try columns["memory_started_at"].decode(Date?.self)
        finishedAt = try columns["memory_finished_at"].decode(Date?.self)
        createdMicros = try columns["created_us"].decode(Int64?.self)
        finishedMicros = try columns["finished_us"].decode(Int64?.self)
        merkleRoot = try columns["merkle_root"].decode(String?.self)
        anchorID = try columns["anchor_id"].decode(Int64?.self)
        tokenID = try columns["token_id"].decode(Int64?.self)
        processingState = ProcessingState(rawValue: try columns["processing_state"].decode(String.self))
        if let label = try columns["sentiment_label"].decode(String?.self) {
            analytics = StoredAnalytics(
                sentimentScore: try columns["sentiment_score"].decode(Double.self),
                sentimentLabel: label,
                keywords: try columns["keywords"].decode([String].self),
                topics: try columns["topics"].decode([String].self),
                qualityScore: try columns["quality_score"].decode(Double.self),
                engagementScore: try columns["engagement_score"].decode(Double.self))
        } else {
            analytics = nil
        }
    }
}

extension StoredConversation {
    /// The fingerprint its anchor was made with: v1 for what 0.1.0 stored, else v2.
    var fingerprint: ConversationFingerprint {
        metadataJSON == nil ? .v2 : .v1
    }

    /// The columns its fingerprint covers.
    var fingerprinted: FingerprintedColumns {
        FingerprintedColumns(
            buddiID: buddiID, title: title, summary: summary, emoji: emoji, category: category, actionItemsJSON: actionItemsJSON,
            memoryJSON: metadataJSON ?? rawJSON, createdAt: createdAt, finishedAt: finishedAt,
            createdMicros: createdMicros, finishedMicros: finishedMicros)
    }

    /// Its Merkle root recomputed from the stored columns and analytics.
    func recomputedRoot(analytics: StoredAnalytics) throws -> String {
        try fingerprint.merkleRoot(of: fingerprinted, analytics: analytics)
    }

    /// The action items' descriptions, read from the stored `action_items` (only processing
    /// needs them, so they are parsed on demand).
    var actionItems: [String] {
        (Self.parse(actionItemsJSON)?.arrayValue ?? []).map { $0["description"]?.stringValue ?? "" }
    }

    /// The transcript lines in the memory's `transcript_segments` (in `metadata` for what
    /// 0.1.0 stored): those with a text; anything malformed is left out (the memory was
    /// validated when it was fetched).
    var transcript: [(speaker: String?, text: String, start: Double?, end: Double?)] {
        (Self.parse(metadataJSON ?? rawJSON)?["transcript_segments"]?.arrayValue ?? []).compactMap { segment in
            guard let text = segment["text"]?.stringValue else { return nil }
            return (segment["speaker"]?.stringValue, text, segment["start"]?.numberValue, segment["end"]?.numberValue)
        }
    }

    private static func parse(_ json: String) -> JSONValue? {
        try? JSONValue(parsing: Data(json.utf8))
    }
}

/// The analytics columns of a conversation.
struct StoredAnalytics: Sendable, Equatable {
    var sentimentScore: Double
    var sentimentLabel: String
    var keywords: [String]
    var topics: [String]
    var qualityScore: Double
    var engagementScore: Double
}

extension StoredAnalytics {
    /// The columns of computed analytics.
    init(_ analytics: ConversationAnalytics) {
        self.init(
            sentimentScore: analytics.sentimentScore, sentimentLabel: analytics.sentimentLabel.rawValue,
            keywords: analytics.keywords, topics: analytics.topics, qualityScore: analytics.qualityScore,
            engagementScore: analytics.engagementScore)
    }
}
