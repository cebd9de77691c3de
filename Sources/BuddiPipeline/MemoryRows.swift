import BuddiAPI
import Foundation

/// A page of memories as the columns the fetch job inserts: what the original stored, the raw
/// object, one array per column. A missing text is "", a missing time NaN (NULL in the table).
struct MemoryRows {
    var buddiIDs: [String] = []
    var titles: [String] = []
    var summaries: [String] = []
    var emojis: [String] = []
    var categories: [String] = []
    var actionItems: [String] = []
    var metadata: [String] = []
    var raw: [String] = []
    var createdAt: [Double] = []
    var startedAt: [Double] = []
    var finishedAt: [Double] = []

    init(_ memories: [Memory]) {
        for memory in memories { append(memory) }
    }

    private mutating func append(_ memory: Memory) {
        buddiIDs.append(memory.id)
        titles.append(memory.title ?? "")
        summaries.append(memory.text ?? "")
        emojis.append(memory.emoji ?? "")
        categories.append(memory.category ?? "")
        actionItems.append(JSONValue.array(memory.actionItems.map {
            .object(["description": .string($0.description), "completed": .bool($0.completed)])
        }).jsonText)
        metadata.append(JSONValue.object([
            "language": Self.text(memory.language),
            "source": Self.text(memory.source),
            "status": Self.text(memory.status),
            "visibility": Self.text(memory.visibility),
            "discarded": memory.discarded.map(JSONValue.bool) ?? .null,
            "transcript_segments": memory.raw["transcript_segments"] ?? .null,
            "plugins_results": memory.raw["plugins_results"] ?? .null,
        ]).jsonText)
        raw.append(memory.raw.jsonText)
        createdAt.append(Self.seconds(memory.createdAt))
        startedAt.append(Self.seconds(memory.startedAt))
        finishedAt.append(Self.seconds(memory.finishedAt))
    }

    private static func text(_ value: String?) -> JSONValue {
        value.map(JSONValue.string) ?? .null
    }

    /// Seconds since the epoch, to the microsecond Postgres keeps; NaN for none.
    private static func seconds(_ date: Date?) -> Double {
        date.map { ($0.timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000 } ?? .nan
    }
}
