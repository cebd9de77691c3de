/// What to ask `get_memories` for, besides the cursor.
package struct MemoryQuery: Sendable, Hashable {
    /// Only memories of this day (UTC); `nil` for all.
    package var date: BuddiDate?
    /// Memories per page, 1…20 (``BuddiAPIConfiguration/maxPageSize``); other values are clamped.
    package var pageSize: Int {
        get { storedPageSize }
        set { storedPageSize = min(max(newValue, 1), BuddiAPIConfiguration.maxPageSize) }
    }

    private var storedPageSize: Int

    /// A query; `pageSize` is clamped to 1…20.
    package init(date: BuddiDate? = nil, pageSize: Int = BuddiAPIConfiguration.maxPageSize) {
        self.date = date
        self.storedPageSize = min(max(pageSize, 1), BuddiAPIConfiguration.maxPageSize)
    }
}
