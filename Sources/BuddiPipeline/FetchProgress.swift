import BuddiAPI
import Foundation

/// A fetch job's checkpoint, saved with every page in the page's transaction: a retry after a
/// crash or an API failure resumes from here instead of starting over. It is also the job's
/// result once the fetch ends.
struct FetchProgress: Codable, Sendable {
    /// The stretches the fetch walks (see ``FetchLeg``), decided when it begins.
    var legs: [FetchLeg]
    /// Which leg is being walked.
    var legIndex = 0
    /// The cursor of the leg's next page, and the last memory of that page already taken.
    var cursor: String?
    var skipThroughID: String?
    /// The ids of the last page walked: a page that repeats one at its boundary (as a newest-first
    /// API does when memories arrive during a walk) does not take it again.
    var previousPageIDs: [String]?
    var pages = 0
    /// Distinct memories taken: what the fetch's maximum bounds (page-boundary repeats are not).
    var memoriesSeen = 0
    /// Page-boundary repeats skipped.
    var repeats = 0
    var new = 0
    var duplicates = 0
    /// Memories rejected (each is a row of `rejected_memories`).
    var rejected = 0
    var startedAt = Date()
    /// Time spent waiting for the API, and storing.
    var apiSeconds = 0.0
    var storeSeconds = 0.0

    /// A fetch about to walk `legs` from the first.
    init(legs: [FetchLeg]) {
        self.legs = legs
        begin(leg: 0)
    }

    /// Whether the walk is over: past its last leg, or `maximum` memories taken.
    func isFinished(maximum: Int) -> Bool {
        legIndex >= legs.count || memoriesSeen >= maximum
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
        next.repeats = repeats + repeated
        next.apiSeconds = self.apiSeconds + apiSeconds
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

    /// Counts what storing `taken` memories gave: `new` stored, `setAside` rejected (not drafted,
    /// or refused by the database), `rejected` rejections recorded in all; the rest were stored
    /// already.
    mutating func stored(taken: Int, new: Int, setAside: Int, rejected: Int) {
        self.rejected += rejected
        self.new += new
        duplicates += taken - new - setAside
    }

    /// Moves on to the start of leg `index` (or past the last one).
    mutating func begin(leg index: Int) {
        legIndex = index
        let leg = index < legs.count ? legs[index] : nil
        cursor = leg?.cursor
        skipThroughID = leg?.skipThroughID
        previousPageIDs = nil
    }

    /// The job's result: what the original reported, and the duration.
    var result: FetchResult {
        FetchResult(
            pages: pages, memories_seen: memoriesSeen, new: new, duplicates: duplicates, repeats: repeats, rejected: rejected,
            duration_seconds: Date().timeIntervalSince(startedAt), api_seconds: apiSeconds, store_seconds: storeSeconds)
    }
}

/// What a finished fetch records as its result.
package struct FetchResult: Codable, Sendable {
    package var pages: Int
    package var memories_seen: Int
    package var new: Int
    package var duplicates: Int
    /// Memories a page repeated from the page before (not taken twice, not counted as new).
    package var repeats: Int
    /// Memories rejected on their own (listed in `rejected_memories`).
    package var rejected: Int
    package var duration_seconds: Double
    /// Of the duration: waiting for the API (overlapped with storing), and storing.
    package var api_seconds: Double
    package var store_seconds: Double
}
