import Foundation

/// Why an object from the API is not a usable ``Memory``.
package struct MemoryDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The memory's id, when it has a readable one.
    package let id: String?
    /// What is wrong, e.g. "`id` is missing".
    package let reason: String

    package var description: String {
        "memory \(id.map { "\"\($0)\"" } ?? "without a usable id") does not decode: \(reason)"
    }
}

extension Memory {
    /// Reads a memory from the object the API sent.
    ///
    /// Lenient: unknown fields are kept only in ``raw``, a missing or wrongly typed optional field
    /// is `nil` (or empty), timestamps are ISO 8601 with or without fractional seconds, with `Z`,
    /// an offset or no zone (UTC), or seconds since 1970; an unreadable timestamp is `nil`.
    /// Strict about the one thing that matters: `id` must be a non-empty string.
    package init(raw: JSONValue) throws(MemoryDecodingError) {
        guard case .object = raw else {
            throw MemoryDecodingError(id: nil, reason: "it is \(raw.kindDescription), not an object")
        }
        guard let idValue = raw["id"] else { throw MemoryDecodingError(id: nil, reason: "`id` is missing") }
        guard let id = idValue.stringValue else {
            throw MemoryDecodingError(id: nil, reason: "`id` is \(idValue.kindDescription), not a string")
        }
        guard !id.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw MemoryDecodingError(id: nil, reason: "`id` is an empty string")
        }
        let structured = raw["structured"]
        self.id = id
        self.createdAt = raw["created_at"].flatMap(BuddiTimestamp.parse)
        self.startedAt = raw["started_at"].flatMap(BuddiTimestamp.parse)
        self.finishedAt = raw["finished_at"].flatMap(BuddiTimestamp.parse)
        self.title = raw["title"]?.stringValue ?? structured?["title"]?.stringValue
        self.text = raw["text"]?.stringValue ?? structured?["overview"]?.stringValue
        self.emoji = structured?["emoji"]?.stringValue
        self.category = structured?["category"]?.stringValue
        let actionItems = structured?["action_items"]?.arrayValue ?? raw["action_items"]?.arrayValue ?? []
        self.actionItems = actionItems.compactMap(ActionItem.init(raw:))
        self.transcriptSegments = (raw["transcript_segments"]?.arrayValue ?? []).compactMap(TranscriptSegment.init(raw:))
        self.pluginResults = (raw["plugins_results"]?.arrayValue ?? []).compactMap(PluginResult.init(raw:))
        self.language = raw["language"]?.stringValue
        self.source = raw["source"]?.stringValue
        self.visibility = raw["visibility"]?.stringValue
        self.status = raw["status"]?.stringValue
        self.discarded = raw["discarded"]?.boolValue
        self.raw = raw
    }
}

extension ActionItem {
    /// An object with a `description`, or a plain string; `nil` for anything else.
    init?(raw: JSONValue) {
        if let description = raw.stringValue {
            self.init(description: description)
        } else if let description = raw["description"]?.stringValue {
            self.init(description: description, completed: raw["completed"]?.boolValue ?? false)
        } else {
            return nil
        }
    }
}

extension TranscriptSegment {
    /// An object with a `text`; `nil` for anything else.
    init?(raw: JSONValue) {
        guard let text = raw["text"]?.stringValue else { return nil }
        self.text = text
        self.speaker = raw["speaker"]?.stringValue
        self.speakerID = raw["speaker_id"]?.numberValue.flatMap { Int(exactly: $0) }
        self.isUser = raw["is_user"]?.boolValue
        self.start = raw["start"]?.numberValue
        self.end = raw["end"]?.numberValue
    }
}

extension PluginResult {
    /// An object with a `content`; `nil` for anything else.
    init?(raw: JSONValue) {
        guard let content = raw["content"]?.stringValue else { return nil }
        self.pluginID = raw["plugin_id"]?.stringValue
        self.content = content
    }
}
