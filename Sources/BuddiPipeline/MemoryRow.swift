import BuddiAPI
import Foundation

/// A memory as the row the fetch job inserts: the columns the original stored, the raw object,
/// and the job that brought it.
struct MemoryRow: Encodable {
    struct ActionItemValue: Encodable {
        let description: String
        let completed: Bool
    }

    struct Metadata: Encodable {
        let language: String?
        let source: String?
        let status: String?
        let visibility: String?
        let discarded: Bool?
        let transcript_segments: JSONValue?
        let plugins_results: JSONValue?
    }

    let buddi_id: String
    let title: String?
    let summary: String?
    let emoji: String?
    let category: String?
    let action_items: [ActionItemValue]
    let metadata: Metadata
    let raw: JSONValue
    let memory_created_at: String?
    let memory_started_at: String?
    let memory_finished_at: String?
    let fetch_job_id: Int64

    init(_ memory: Memory, fetchJobID: Int64) {
        buddi_id = memory.id
        title = memory.title
        summary = memory.text
        emoji = memory.emoji
        category = memory.category
        action_items = memory.actionItems.map { ActionItemValue(description: $0.description, completed: $0.completed) }
        metadata = Metadata(
            language: memory.language, source: memory.source, status: memory.status,
            visibility: memory.visibility, discarded: memory.discarded,
            transcript_segments: memory.raw["transcript_segments"], plugins_results: memory.raw["plugins_results"])
        raw = memory.raw
        memory_created_at = memory.createdAt.map(Self.timestamp)
        memory_started_at = memory.startedAt.map(Self.timestamp)
        memory_finished_at = memory.finishedAt.map(Self.timestamp)
        fetch_job_id = fetchJobID
    }

    /// ISO 8601 with microseconds, so Postgres stores the instant as parsed.
    private static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        let micros = Int(((seconds - whole) * 1_000_000).rounded())
        let base = Date(timeIntervalSince1970: whole).formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
        return "\(base.dropLast()).\(String(format: "%06d", min(micros, 999_999)))Z"
    }

    /// A page of rows as one JSON array.
    static func json(_ rows: [MemoryRow]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(rows), as: UTF8.self)
    }
}
