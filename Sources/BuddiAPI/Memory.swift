import BuddiJSON
import Foundation

/// One conversation memory from the Buddi API, in either documented shape.
///
/// The flat shape carries `title` and `text`; the rich one `structured.title` and
/// `structured.overview` with emoji, category and action items, plus transcript segments and
/// plugin results. Every field but ``id`` is optional, and ``raw`` keeps the whole object as sent.
public struct Memory: Sendable, Hashable, Identifiable {
    /// The Buddi id: a non-empty string.
    public let id: String
    /// When the memory was created (the API's order key, newest first).
    public let createdAt: Date?
    /// When the conversation started.
    public let startedAt: Date?
    /// When the conversation finished.
    public let finishedAt: Date?
    /// `title`, or else `structured.title`.
    public let title: String?
    /// The summary: `text`, or else `structured.overview`.
    public let text: String?
    /// `structured.emoji`.
    public let emoji: String?
    /// `structured.category`, e.g. "work".
    public let category: String?
    /// `structured.action_items` (or a top-level `action_items`).
    public let actionItems: [ActionItem]
    /// `transcript_segments`, in order.
    public let transcriptSegments: [TranscriptSegment]
    /// `plugins_results`.
    public let pluginResults: [PluginResult]
    /// `language`, e.g. "en".
    public let language: String?
    /// `source`, e.g. "friend".
    public let source: String?
    /// `visibility`, e.g. "private".
    public let visibility: String?
    /// `status`, e.g. "completed".
    public let status: String?
    /// `discarded`.
    public let discarded: Bool?
    /// The object exactly as the API sent it.
    public let raw: JSONValue
}

/// A to-do the conversation produced. Seen both as `{"description": …, "completed": …}` and as a
/// plain string (which counts as not completed).
public struct ActionItem: Sendable, Hashable {
    /// What is to be done.
    public let description: String
    /// Whether it is done.
    public let completed: Bool

    /// An action item.
    public init(description: String, completed: Bool = false) {
        self.description = description
        self.completed = completed
    }
}

/// A stretch of the conversation's transcript.
public struct TranscriptSegment: Sendable, Hashable {
    /// What was said.
    public let text: String
    /// The speaker's label, e.g. "SPEAKER_00".
    public let speaker: String?
    /// The speaker's number.
    public let speakerID: Int?
    /// Whether the wearer said it.
    public let isUser: Bool?
    /// Seconds from the start of the conversation.
    public let start: Double?
    /// Seconds from the start of the conversation.
    public let end: Double?
}

/// What a plugin made of the conversation.
public struct PluginResult: Sendable, Hashable {
    /// The plugin.
    public let pluginID: String?
    /// Its output.
    public let content: String
}
