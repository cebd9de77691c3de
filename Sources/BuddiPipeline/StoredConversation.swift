import BuddiAPI
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
    /// As Postgres prints jsonb: a stable, canonical text.
    let actionItemsJSON: String
    let metadataJSON: String
    /// Whether the stored raw memory carries this conversation's Buddi id (else it is corrupt).
    let rawCarriesID: Bool
    let createdAt: Date?
    let startedAt: Date?
    let finishedAt: Date?
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
        metadataJSON = try columns["metadata"].decode(String.self)
        rawCarriesID = try columns["raw_carries_id"].decode(Bool?.self) ?? false
        createdAt = try columns["memory_created_at"].decode(Date?.self)
        startedAt = try columns["memory_started_at"].decode(Date?.self)
        finishedAt = try columns["memory_finished_at"].decode(Date?.self)
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
    /// The action items' descriptions, read from the stored `action_items` (only processing
    /// needs them, so they are parsed on demand).
    var actionItems: [String] {
        (Self.parse(actionItemsJSON)?.arrayValue ?? []).map { $0["description"]?.stringValue ?? "" }
    }

    /// The transcript lines in `metadata.transcript_segments`: those with a text; anything
    /// malformed is left out (the memory was validated when it was fetched).
    var transcript: [(speaker: String?, text: String, start: Double?, end: Double?)] {
        (Self.parse(metadataJSON)?["transcript_segments"]?.arrayValue ?? []).compactMap { segment in
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
