import BuddiAPI
import BuddiAnalytics
import Foundation

/// A memory made ready to be stored in one write: its columns as they will be stored, its
/// analytics and its Merkle root (``ConversationFingerprint/v2``). Pure CPU work, done by the
/// fetch while the store writes the pages before.
struct ConversationDraft: Sendable {
    let columns: FingerprintedColumns
    let startedMicros: Int64?
    let analytics: StoredAnalytics
    let merkleRoot: String
    /// The sampled trace it was drafted in (a fetch's or a webhook delivery's), stored with it.
    let traceID: String?

    init(_ memory: Memory, analyzer: ConversationAnalyzer, traceID: String?) throws {
        self.traceID = traceID
        let input = AnalyticsInput(
            title: memory.title, text: memory.text, category: memory.category, actionItems: memory.actionItems.map(\.description),
            transcript: memory.transcriptSegments.map { TranscriptLine(speaker: $0.speaker, text: $0.text, start: $0.start, end: $0.end) },
            startedAt: memory.startedAt, finishedAt: memory.finishedAt)
        analytics = StoredAnalytics(analyzer.analyze(input))
        columns = FingerprintedColumns(
            buddiID: memory.id, title: memory.title, summary: memory.text, emoji: memory.emoji, category: memory.category,
            actionItemsJSON: JSONValue.array(memory.actionItems.map {
                .object(["description": .string($0.description), "completed": .bool($0.completed)])
            }).jsonText,
            memoryJSON: memory.json,
            createdMicros: Self.micros(memory.createdAt), finishedMicros: Self.micros(memory.finishedAt))
        startedMicros = Self.micros(memory.startedAt)
        merkleRoot = try ConversationFingerprint.v2.merkleRoot(of: columns, analytics: analytics)
    }

    /// Whole microseconds since 1970, what the database keeps of a time.
    private static func micros(_ date: Date?) -> Int64? {
        date.map { Int64(($0.timeIntervalSince1970 * 1_000_000).rounded()) }
    }
}
