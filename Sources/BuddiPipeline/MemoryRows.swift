/// A batch of drafts as the columns the store sends, one typed array per column: a missing text
/// is "", a missing time NaN (NULL in the table); keywords and topics are joined by U+001F,
/// which no word contains.
struct MemoryRows {
    static let listSeparator = "\u{1F}"

    var buddiIDs: [String] = []
    var titles: [String] = []
    var summaries: [String] = []
    var emojis: [String] = []
    var categories: [String] = []
    var actionItems: [String] = []
    var raw: [String] = []
    var createdAt: [Double] = []
    var startedAt: [Double] = []
    var finishedAt: [Double] = []
    var sentimentScores: [Double] = []
    var sentimentLabels: [String] = []
    var keywords: [String] = []
    var topics: [String] = []
    var qualityScores: [Double] = []
    var engagementScores: [Double] = []
    var merkleRoots: [String] = []
    var manifests: [String] = []
    /// The sampled trace each was drafted in ("" for none); empty when none was.
    var traceIDs: [String] = []

    init(_ drafts: [ConversationDraft]) {
        for draft in drafts { append(draft) }
        if drafts.contains(where: { $0.traceID != nil }) { traceIDs = drafts.map { $0.traceID ?? "" } }
    }

    private mutating func append(_ draft: ConversationDraft) {
        let columns = draft.columns
        buddiIDs.append(columns.buddiID)
        titles.append(columns.title ?? "")
        summaries.append(columns.summary ?? "")
        emojis.append(columns.emoji ?? "")
        categories.append(columns.category ?? "")
        actionItems.append(columns.actionItemsJSON)
        raw.append(columns.memoryJSON)
        createdAt.append(Self.seconds(columns.createdMicros))
        startedAt.append(Self.seconds(draft.startedMicros))
        finishedAt.append(Self.seconds(columns.finishedMicros))
        sentimentScores.append(draft.analytics.sentimentScore)
        sentimentLabels.append(draft.analytics.sentimentLabel)
        keywords.append(draft.analytics.keywords.joined(separator: Self.listSeparator))
        topics.append(draft.analytics.topics.joined(separator: Self.listSeparator))
        qualityScores.append(draft.analytics.qualityScore)
        engagementScores.append(draft.analytics.engagementScore)
        merkleRoots.append(draft.merkleRoot)
        manifests.append(ConversationFingerprint.v2.manifest(buddiID: columns.buddiID))
    }

    /// Seconds since the epoch from whole microseconds (which `to_timestamp` gets back exactly);
    /// NaN for none.
    private static func seconds(_ micros: Int64?) -> Double {
        micros.map { Double($0) / 1_000_000 } ?? .nan
    }
}
