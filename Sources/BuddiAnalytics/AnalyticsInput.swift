import Foundation

/// One line of a conversation's transcript.
public struct TranscriptLine: Sendable, Equatable {
    /// Who spoke (e.g. `SPEAKER_00`), if known.
    public var speaker: String?
    /// What was said.
    public var text: String
    /// Seconds from the start of the recording, if known.
    public var start: Double?
    /// Seconds from the start of the recording, if known.
    public var end: Double?

    /// Creates a transcript line.
    public init(speaker: String? = nil, text: String, start: Double? = nil, end: Double? = nil) {
        self.speaker = speaker
        self.text = text
        self.start = start
        self.end = end
    }
}

/// What the analyzer reads from a memory; the pipeline builds it from the stored fields.
public struct AnalyticsInput: Sendable, Equatable {
    /// The memory's title (`title` or `structured.title`).
    public var title: String?
    /// The summary text (`text` or `structured.overview`).
    public var text: String?
    /// The memory's own category (`structured.category`), e.g. `work`.
    public var category: String?
    /// The descriptions of the action items.
    public var actionItems: [String]
    /// The transcript segments, in order.
    public var transcript: [TranscriptLine]
    /// When the conversation started.
    public var startedAt: Date?
    /// When the conversation finished.
    public var finishedAt: Date?

    /// Creates an input; every field is optional.
    public init(
        title: String? = nil,
        text: String? = nil,
        category: String? = nil,
        actionItems: [String] = [],
        transcript: [TranscriptLine] = [],
        startedAt: Date? = nil,
        finishedAt: Date? = nil
    ) {
        self.title = title
        self.text = text
        self.category = category
        self.actionItems = actionItems
        self.transcript = transcript
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
