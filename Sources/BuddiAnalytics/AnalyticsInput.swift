import Foundation

/// One line of a conversation's transcript.
package struct TranscriptLine: Sendable, Equatable {
    /// Who spoke (e.g. `SPEAKER_00`), if known.
    package var speaker: String?
    /// What was said.
    package var text: String
    /// Seconds from the start of the recording, if known.
    package var start: Double?
    /// Seconds from the start of the recording, if known.
    package var end: Double?

    /// Creates a transcript line.
    package init(speaker: String? = nil, text: String, start: Double? = nil, end: Double? = nil) {
        self.speaker = speaker
        self.text = text
        self.start = start
        self.end = end
    }
}

/// What the analyzer reads from a memory; the pipeline builds it from the stored fields.
package struct AnalyticsInput: Sendable, Equatable {
    /// The memory's title (`title` or `structured.title`).
    package var title: String?
    /// The summary text (`text` or `structured.overview`).
    package var text: String?
    /// The memory's own category (`structured.category`), e.g. `work`.
    package var category: String?
    /// The descriptions of the action items.
    package var actionItems: [String]
    /// The transcript segments, in order.
    package var transcript: [TranscriptLine]
    /// When the conversation started.
    package var startedAt: Date?
    /// When the conversation finished.
    package var finishedAt: Date?

    /// Creates an input; every field is optional.
    package init(
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
