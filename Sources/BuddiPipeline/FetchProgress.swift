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
    @CountOrList var rejected = 0
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
            rejected: rejected,
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
    @CountOrList public var rejected: Int
    public var duration_seconds: Double
    /// Of the duration: waiting for the API (overlapped with storing), and storing.
    public var api_seconds: Double
    public var store_seconds: Double
}

/// A count that older JSON held as a list of the things counted: checkpoints and results from
/// before `rejected_memories` listed the rejections themselves; such a list reads as its length.
@propertyWrapper
public struct CountOrList: Codable, Sendable {
    public var wrappedValue: Int

    public init(wrappedValue: Int) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        if let count = try? decoder.singleValueContainer().decode(Int.self) {
            wrappedValue = count
        } else {
            wrappedValue = try decoder.unkeyedContainer().count ?? 0
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}
