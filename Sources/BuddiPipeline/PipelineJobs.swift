import JobQueue

/// A `fetch` job: takes memories from the Buddi API into `conversations` and enqueues their
/// processing. With no date or window it is the scheduled kind: newest first, down to the newest
/// memory already stored (the watermark) or `maxConversations`, whichever comes first.
public struct FetchArgs: JobArgs {
    public static let kind = "fetch"

    /// The most memories this fetch takes.
    public var maxConversations: Int
    /// Only this day (YYYY-MM-DD); no watermark.
    public var date: String?
    /// A window of days to backfill, from `since` to `until` (YYYY-MM-DD, inclusive; `until`
    /// defaults to `since`); no watermark.
    public var since: String?
    public var until: String?

    public init(maxConversations: Int = 50, date: String? = nil, since: String? = nil, until: String? = nil) {
        self.maxConversations = maxConversations
        self.date = date
        self.since = since
        self.until = until
    }
}

/// A `process` job: analyses and anchors a batch of stored conversations.
public struct ProcessArgs: JobArgs {
    public static let kind = "process"

    /// The `conversations.id`s of the batch.
    public var conversationIDs: [Int64]

    public init(conversationIDs: [Int64]) {
        self.conversationIDs = conversationIDs
    }
}
