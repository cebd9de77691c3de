
/// What an operator asks of a manual fetch: a day or a window to backfill (or neither: down to
/// the newest memory stored), and at most how many memories (by default the scheduler's
/// `max_conversations_per_fetch`). Checked when made, so a bad request is refused before
/// anything is enqueued.
package struct ManualFetch: Sendable {
    package let maxConversations: Int?
    package let date: String?
    package let since: String?
    package let until: String?

    package init(maxConversations: Int? = nil, date: String? = nil, since: String? = nil, until: String? = nil) throws(FetchWindowError) {
        self.maxConversations = maxConversations
        self.date = date
        self.since = since
        self.until = until
        try args(defaultMaxConversations: FetchArgs.maxConversationsBounds.lowerBound).validate()
    }

    /// The fetch job's arguments, with `defaultMaxConversations` when no maximum was given.
    func args(defaultMaxConversations: Int) -> FetchArgs {
        FetchArgs(maxConversations: maxConversations ?? defaultMaxConversations, date: date, since: since, until: until)
    }
}
