import BuddiAPI
import Foundation

/// A fetch job's checkpoint, saved with every page in the page's transaction: a retry after a
/// crash or an API failure resumes from here instead of starting over. It is also the job's
/// result once the fetch ends.
struct FetchProgress: Codable, Sendable {
    /// The stretches the fetch walks (see ``FetchLeg``), decided when it first stores a page.
    /// Nil in checkpoints from before legs: those walk their days, or down to their watermark.
    var legs: [FetchLeg]?
    /// Which leg is being walked.
    var legIndex = 0
    /// The cursor of the leg's next page, and the last memory of that page already taken.
    var cursor: String?
    var skipThroughID: String?
    /// The ids of the last page walked: a page that repeats one at its boundary (as a newest-first
    /// API does when memories arrive during a walk) does not take it again.
    var previousPageIDs: [String]?
    /// The newest memory stored when the fetch began (checkpoints from before legs).
    var watermarkID: String?
    var watermarkCreatedAt: Date?
    var watermarkResolved = false
    var pages = 0
    /// Distinct memories taken: what the fetch's maximum bounds (page-boundary repeats are not).
    var memoriesSeen = 0
    /// Page-boundary repeats skipped.
    var repeats: Int?
    var new = 0
    var duplicates = 0
    /// Memories rejected (each is a row of `rejected_memories`).
    var rejected = RejectedCount()
    /// Stored conversations whose `process` job waits for a full batch (enqueued at the latest
    /// with the last page).
    var unqueuedIDs: [Int64] = []
    var startedAt = Date()
    /// Time spent waiting for the API, and storing (nil in checkpoints from before they were kept).
    var apiSeconds: Double?
    var storeSeconds: Double?

    private enum CodingKeys: String, CodingKey {
        case legs, legIndex = "dayIndex", cursor, skipThroughID, previousPageIDs, watermarkID, watermarkCreatedAt
        case watermarkResolved, pages, memoriesSeen, repeats, new, duplicates, rejected, unqueuedIDs, startedAt
        case apiSeconds, storeSeconds
    }

    /// This progress with the walk's position (leg, cursor, pages, memories seen, repeats, API
    /// time) taken from `walked`, and its own counts and gaps.
    func advanced(to walked: FetchProgress) -> FetchProgress {
        var next = self
        next.legIndex = walked.legIndex
        next.cursor = walked.cursor
        next.skipThroughID = walked.skipThroughID
        next.previousPageIDs = walked.previousPageIDs
        next.pages = walked.pages
        next.memoriesSeen = walked.memoriesSeen
        next.repeats = walked.repeats
        next.apiSeconds = walked.apiSeconds
        return next
    }

    /// The walk's position after `page` of `leg`, of which it took `taken`: the next page of the
    /// leg; the same page again, past what was taken, if the fetch's maximum cut it short; the
    /// next leg once this one reaches its lower bound or the API's last page.
    func after(
        _ page: MemoryPage, taken: [Memory], cutShort: Bool, repeated: Int, leg: FetchLeg, apiSeconds: Double
    ) -> FetchProgress {
        var next = self
        next.pages += 1
        next.memoriesSeen += taken.count
        next.repeats = (repeats ?? 0) + repeated
        next.apiSeconds = (self.apiSeconds ?? 0) + apiSeconds
        if taken.contains(where: leg.reachesLowerBound) || (page.nextCursor == nil && !cutShort) {
            next.begin(leg: legIndex + 1)
        } else if cutShort {
            next.skipThroughID = taken.last?.id ?? skipThroughID
            next.previousPageIDs = nil
        } else {
            next.cursor = page.nextCursor
            next.skipThroughID = nil
            next.previousPageIDs = page.memories.map(\.id)
        }
        return next
    }

    /// Moves on to the start of leg `index` (or past the last one).
    mutating func begin(leg index: Int) {
        legIndex = index
        let leg = legs.flatMap { index < $0.count ? $0[index] : nil }
        cursor = leg?.cursor
        skipThroughID = leg?.skipThroughID
        previousPageIDs = nil
    }

    /// The job's result: what the original reported, and the duration.
    var result: FetchResult {
        FetchResult(
            pages: pages, memories_seen: memoriesSeen, new: new, duplicates: duplicates, repeats: repeats ?? 0,
            rejected: rejected.value,
            duration_seconds: Date().timeIntervalSince(startedAt), api_seconds: apiSeconds ?? 0, store_seconds: storeSeconds ?? 0)
    }
}

/// What a finished fetch records as its result.
public struct FetchResult: Codable, Sendable {
    public var pages: Int
    public var memories_seen: Int
    public var new: Int
    public var duplicates: Int
    /// Memories a page repeated from the page before (not taken twice, not counted as new);
    /// nil in results from before they were counted.
    public var repeats: Int?
    /// Memories rejected on their own (listed in `rejected_memories`); results from before that
    /// table listed them, and read as their count.
    public var rejected: Int {
        get { rejectedCount.value }
        set { rejectedCount.value = newValue }
    }
    private var rejectedCount: RejectedCount
    public var duration_seconds: Double
    /// Of the duration: waiting for the API (overlapped with storing), and storing.
    public var api_seconds: Double
    public var store_seconds: Double

    private enum CodingKeys: String, CodingKey {
        case pages, memories_seen, new, duplicates, repeats, rejectedCount = "rejected", duration_seconds, api_seconds, store_seconds
    }

    init(
        pages: Int, memories_seen: Int, new: Int, duplicates: Int, repeats: Int?, rejected: Int, duration_seconds: Double,
        api_seconds: Double, store_seconds: Double
    ) {
        self.pages = pages
        self.memories_seen = memories_seen
        self.new = new
        self.duplicates = duplicates
        self.repeats = repeats
        self.rejectedCount = RejectedCount(value: rejected)
        self.duration_seconds = duration_seconds
        self.api_seconds = api_seconds
        self.store_seconds = store_seconds
    }
}

/// How many memories a fetch rejected. Checkpoints from before `rejected_memories` listed the
/// rejections themselves; such a list reads as its length.
struct RejectedCount: Codable, Sendable {
    var value = 0

    init(value: Int = 0) {
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let count = try? container.decode(Int.self) {
            value = count
        } else {
            value = try decoder.unkeyedContainer().count ?? 0
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
