import Foundation

/// A fetch job's checkpoint, saved with every page in the page's transaction: a retry after a
/// crash or an API failure resumes from here instead of starting over. It is also the job's
/// result once the fetch ends.
struct FetchProgress: Codable, Sendable {
    /// A memory that could not be taken, and why.
    struct Rejected: Codable, Sendable {
        var id: String?
        var reason: String
    }

    /// Which of the fetch's days (one `nil` day for a scheduled fetch) is being walked.
    var dayIndex = 0
    /// The cursor of the next page of that day.
    var cursor: String?
    /// The newest memory stored when the fetch began (scheduled fetches stop there).
    var watermarkID: String?
    var watermarkCreatedAt: Date?
    var watermarkResolved = false
    var pages = 0
    var memoriesSeen = 0
    var new = 0
    var duplicates = 0
    var rejected: [Rejected] = []
    /// Stored conversations whose `process` job waits for a full batch (enqueued at the latest
    /// with the last page).
    var unqueuedIDs: [Int64] = []
    var startedAt = Date()
    /// Time spent waiting for the API, and storing (nil in checkpoints from before they were kept).
    var apiSeconds: Double?
    var storeSeconds: Double?

    /// This progress with the walk's position (day, cursor, pages, memories seen, rejected, API
    /// time) taken from `walked`, and its own counts.
    func advanced(to walked: FetchProgress) -> FetchProgress {
        var next = self
        next.dayIndex = walked.dayIndex
        next.cursor = walked.cursor
        next.pages = walked.pages
        next.memoriesSeen = walked.memoriesSeen
        next.rejected = walked.rejected
        next.apiSeconds = walked.apiSeconds
        return next
    }

    /// The job's result: what the original reported, and the duration.
    var result: FetchResult {
        FetchResult(
            pages: pages, memories_seen: memoriesSeen, new: new, duplicates: duplicates, rejected: rejected,
            duration_seconds: Date().timeIntervalSince(startedAt), api_seconds: apiSeconds ?? 0, store_seconds: storeSeconds ?? 0)
    }
}

/// What a finished fetch records as its result.
public struct FetchResult: Codable, Sendable {
    public var pages: Int
    public var memories_seen: Int
    public var new: Int
    public var duplicates: Int
    fileprivate(set) var rejected: [FetchProgress.Rejected]
    public var duration_seconds: Double
    /// Of the duration: waiting for the API (overlapped with storing), and storing.
    public var api_seconds: Double
    public var store_seconds: Double
}
