import BuddiAPI
import Foundation

/// A memory as the row the fetch job inserts: the columns the original stored, the raw object,
/// and the job that brought it, as one JSON object of `jsonb_to_recordset`'s input.
enum MemoryRow {
    /// A page of rows as one JSON array.
    static func json(_ memories: [Memory], fetchJobID: Int64) -> String {
        JSONValue.array(memories.map { row($0, fetchJobID: fetchJobID) }).jsonText
    }

    private static func row(_ memory: Memory, fetchJobID: Int64) -> JSONValue {
        .object([
            "buddi_id": .string(memory.id),
            "title": text(memory.title),
            "summary": text(memory.text),
            "emoji": text(memory.emoji),
            "category": text(memory.category),
            "action_items": .array(memory.actionItems.map {
                .object(["description": .string($0.description), "completed": .bool($0.completed)])
            }),
            "metadata": .object([
                "language": text(memory.language),
                "source": text(memory.source),
                "status": text(memory.status),
                "visibility": text(memory.visibility),
                "discarded": memory.discarded.map(JSONValue.bool) ?? .null,
                "transcript_segments": memory.raw["transcript_segments"] ?? .null,
                "plugins_results": memory.raw["plugins_results"] ?? .null,
            ]),
            "raw": memory.raw,
            "memory_created_at": timestamp(memory.createdAt),
            "memory_started_at": timestamp(memory.startedAt),
            "memory_finished_at": timestamp(memory.finishedAt),
            "fetch_job_id": .number(Double(fetchJobID)),
        ])
    }

    private static func text(_ value: String?) -> JSONValue {
        value.map(JSONValue.string) ?? .null
    }

    /// Seconds since the epoch with microseconds: Postgres stores the instant as parsed
    /// (`to_timestamp` is applied in SQL).
    private static func timestamp(_ date: Date?) -> JSONValue {
        date.map { .number(($0.timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000) } ?? .null
    }
}
