import JobQueue

/// A `fetch` job: takes memories from the Buddi API into `conversations` and enqueues their
/// processing. With no date or window it is the scheduled kind: newest first, down to the newest
/// memory already stored (the watermark) or `maxConversations`, whichever comes first.
package struct FetchArgs: JobArgs {
    package static let kind = "fetch"

    /// The most memories this fetch takes.
    package var maxConversations: Int
    /// Only this day (YYYY-MM-DD); no watermark.
    package var date: String?
    /// A window of days to backfill, from `since` to `until` (YYYY-MM-DD, inclusive; `until`
    /// defaults to `since`); no watermark.
    package var since: String?
    package var until: String?

    package init(maxConversations: Int = 50, date: String? = nil, since: String? = nil, until: String? = nil) {
        self.maxConversations = maxConversations
        self.date = date
        self.since = since
        self.until = until
    }
}

/// A `process` job: analyses and anchors a batch of stored conversations.
package struct ProcessArgs: JobArgs {
    package static let kind = "process"

    /// The `conversations.id`s of the batch.
    package var conversationIDs: [Int64]

    package init(conversationIDs: [Int64]) {
        self.conversationIDs = conversationIDs
    }

    /// The arguments' keys; ``conversationIDs`` is read by SQL too (``conversationIDsKey``).
    private enum CodingKeys: String, CodingKey {
        case conversationIDs
    }

    /// The key of ``conversationIDs`` in a process job's arguments, for the SQL that reads them.
    package static var conversationIDsKey: String { CodingKeys.conversationIDs.rawValue }
}
