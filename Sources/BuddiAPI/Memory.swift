import Foundation

/// One conversation memory from the Buddi API, in either documented shape.
///
/// The flat shape carries `title` and `text`; the rich one `structured.title` and
/// `structured.overview` with emoji, category and action items, plus transcript segments and
/// plugin results. Every field but ``id`` is optional, and ``raw`` keeps the whole object as sent.
package struct Memory: Sendable, Hashable, Identifiable {
    /// The Buddi id: a non-empty string.
    package let id: String
    /// When the memory was created (the API's order key, newest first).
    package let createdAt: Date?
    /// When the conversation started.
    package let startedAt: Date?
    /// When the conversation finished.
    package let finishedAt: Date?
    /// `title`, or else `structured.title`.
    package let title: String?
    /// The summary: `text`, or else `structured.overview`.
    package let text: String?
    /// `structured.emoji`.
    package let emoji: String?
    /// `structured.category`, e.g. "work".
    package let category: String?
    /// `structured.action_items` (or a top-level `action_items`).
    package let actionItems: [ActionItem]
    /// `transcript_segments`, in order.
    package let transcriptSegments: [TranscriptSegment]
    /// `plugins_results`.
    package let pluginResults: [PluginResult]
    /// `language`, e.g. "en".
    package let language: String?
    /// `source`, e.g. "friend".
    package let source: String?
    /// `visibility`, e.g. "private".
    package let visibility: String?
    /// `status`, e.g. "completed".
    package let status: String?
    /// `discarded`.
    package let discarded: Bool?
    /// The object exactly as the API sent it.
    package let raw: JSONValue
    /// Its JSON text as the API sent it, when it was read from a page.
    package var sentJSON: String?

    /// Its JSON text: as sent, or else ``raw`` written as compact JSON with sorted keys.
    package var json: String {
        sentJSON ?? raw.jsonText
    }
}

/// A to-do the conversation produced. Seen both as `{"description": …, "completed": …}` and as a
/// plain string (which counts as not completed).
package struct ActionItem: Sendable, Hashable {
    /// What is to be done.
    package let description: String
    /// Whether it is done.
    package let completed: Bool

    /// An action item.
    package init(description: String, completed: Bool = false) {
        self.description = description
        self.completed = completed
    }
}

/// A stretch of the conversation's transcript.
package struct TranscriptSegment: Sendable, Hashable {
    /// What was said.
    package let text: String
    /// The speaker's label, e.g. "SPEAKER_00".
    package let speaker: String?
    /// The speaker's number.
    package let speakerID: Int?
    /// Whether the wearer said it.
    package let isUser: Bool?
    /// Seconds from the start of the conversation.
    package let start: Double?
    /// Seconds from the start of the conversation.
    package let end: Double?
}

/// What a plugin made of the conversation.
package struct PluginResult: Sendable, Hashable {
    /// The plugin.
    package let pluginID: String?
    /// Its output.
    package let content: String
}
