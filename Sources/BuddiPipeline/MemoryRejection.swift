import BuddiAPI

/// A memory of a page that is not stored, with why: what a row of `rejected_memories` holds.
/// Every text is storable (NUL written as `\u0000`), whatever the API sent.
struct MemoryRejection: Sendable {
    /// The cursor the page was asked for with; nil for a walk's first page.
    let pageCursor: String?
    /// Its index in the page's `memories` array.
    let position: Int
    /// Its Buddi id, when it has a usable one.
    let buddiID: String?
    let reason: String
    let excerpt: String
    /// The webhook delivery that brought it, when it was pushed rather than fetched.
    private(set) var webhookID: String?

    /// A memory the reader or the checks refused.
    init(_ skipped: SkippedMemory, pageCursor: String?) {
        self.init(pageCursor: pageCursor, position: skipped.position, buddiID: skipped.error.id, reason: skipped.error.reason, excerpt: skipped.excerpt)
    }

    /// A pushed memory that cannot be taken (`body` is the delivery's).
    init(delivery webhookID: String, error: MemoryDocumentError, body: [UInt8]) {
        self.init(pageCursor: nil, position: 0, buddiID: error.buddiID, reason: error.description, excerpt: SkippedMemory.excerpt(of: body))
        self.webhookID = Self.storable(webhookID)
    }

    /// A pushed memory read whole but set aside: it could not be drafted, or the database refused it.
    init(_ memory: Memory, reason: String, delivery webhookID: String) {
        self.init(memory, reason: reason, pageCursor: nil, position: 0)
        self.webhookID = Self.storable(webhookID)
    }

    /// A memory read whole but set aside: it could not be drafted, or the database refused it.
    init(_ memory: Memory, reason: String, pageCursor: String?, position: Int) {
        self.init(
            pageCursor: pageCursor, position: position, buddiID: memory.id, reason: reason,
            excerpt: SkippedMemory.excerpt(of: Array(memory.raw.jsonText.utf8)))
    }

    private init(pageCursor: String?, position: Int, buddiID: String?, reason: String, excerpt: String) {
        self.pageCursor = pageCursor.map(Self.storable)
        self.position = position
        self.buddiID = buddiID.map(Self.storable)
        self.reason = Self.storable(reason)
        self.excerpt = Self.storable(excerpt)
    }

    private static func storable(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacingOccurrences(of: "\u{0}", with: "\\u0000") : text
    }
}
