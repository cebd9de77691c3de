import BuddiAPI

/// What each page means for a fetch, decided with no database and no network: which memories it
/// takes, which of its rejected elements the fetch records, and where the walk stands after it.
///
/// ```swift
/// var walk = FetchWalk(from: checkpoint, maximum: args.maxConversations)
/// while let request = walk.nextRequest {
///     let page = try await api.fetchPage(request.query, cursor: request.cursor)
///     let walked = try walk.take(page, apiSeconds: elapsed)
///     // store walked.taken and walked.rejections, save walked.position
/// }
/// ```
///
/// A page's memories are taken past those an earlier walk of the same page took (a page cut at
/// the maximum is asked for again), without the repeats of the page before (a newest-first API
/// repeats memories at a page boundary when new ones arrive), down to the leg's lower bound, and
/// up to the fetch's maximum.
struct FetchWalk: Sendable {
    /// Pages in a row that bring nothing but repeats before the walk counts as stuck.
    static let maxRepeatOnlyPages = 5

    /// The fetch's maximum of distinct memories.
    let maximum: Int
    /// Where the walk stands: the checkpoint's position after the last page taken.
    private(set) var position: FetchProgress
    private var repeatOnlyPages = 0

    /// A walk resuming at `position`, taking at most `maximum` memories in all.
    init(from position: FetchProgress, maximum: Int) {
        self.position = position
        self.maximum = maximum
    }

    /// The page to ask for next; nil once every leg is walked or the maximum is taken.
    var nextRequest: (query: MemoryQuery, cursor: String?)? {
        guard !position.isFinished(maximum: maximum) else { return nil }
        return (position.legs[position.legIndex].query, position.cursor)
    }

    /// Takes `page`, the answer to ``nextRequest``, and moves past it. Throws when the page makes
    /// ``maxRepeatOnlyPages`` in a row that repeat only memories already served: repeats do not
    /// count toward the maximum, so an API serving one page under new cursors would be walked
    /// for ever.
    mutating func take(_ page: MemoryPage, apiSeconds: Double) throws(BuddiAPIError) -> WalkedPage {
        let leg = position.legs[position.legIndex]
        var fresh = Array(zip(page.memories, page.positions))
        var owned = OwnedPositions()
        if let skip = position.skipThroughID, let index = fresh.firstIndex(where: { $0.0.id == skip }) {
            owned.after = fresh[index].1
            fresh.removeFirst(index + 1)
        }
        let previous = Set(position.previousPageIDs ?? [])
        let repeated = fresh.filter { previous.contains($0.0.id) }.count
        fresh.removeAll { previous.contains($0.0.id) }
        // What lies below the lower bound is another leg's, or the backfill's.
        if let bound = fresh.firstIndex(where: { leg.reachesLowerBound($0.0) }) {
            owned.before = fresh[bound].1
            fresh.removeSubrange((bound + 1)...)
        }
        repeatOnlyPages = repeated > 0 && fresh.isEmpty ? repeatOnlyPages + 1 : 0
        if repeatOnlyPages >= Self.maxRepeatOnlyPages {
            throw .malformedResponse(
                location: "get_memories", reason: "\(repeatOnlyPages) pages in a row repeated only memories already served")
        }
        let taken = Array(fresh.prefix(maximum - position.memoriesSeen))
        let cutShort = taken.count < fresh.count
        if cutShort { owned.before = min(owned.before, taken.last?.1 ?? owned.after) }
        let asked = position
        position = position.after(
            page, taken: taken.map(\.0), cutShort: cutShort, repeated: repeated, leg: leg, apiSeconds: apiSeconds)
        return WalkedPage(
            leg: asked.legIndex, cursor: asked.cursor, taken: taken.map(\.0), positions: taken.map(\.1),
            rejections: page.skipped.filter { owned.contains($0.position) }.map { MemoryRejection($0, pageCursor: asked.cursor) },
            retriedFailures: page.retriedFailures, position: position, isLast: position.isFinished(maximum: maximum))
    }

    /// How leg `index`'s open gap follows the walk to `position`: opened when a leg with a lower
    /// bound stops above it, moved down as it goes, closed when it reaches the bound. A leg
    /// without a lower bound (a backfill's, the first fetch's) has no gap: older history is the
    /// backfill's.
    static func gapMove(of index: Int, to position: FetchProgress, legs: [FetchLeg]) -> GapMove? {
        let leg = legs[index]
        guard leg.lowerID != nil, leg.day == nil else { return nil }
        let finished = position.legIndex > index
        switch (leg.gapID, finished) {
        case (let id?, true): return .close(id: id)
        case (let id?, false): return .advance(id: id, cursor: position.cursor, skipThroughID: position.skipThroughID)
        case (nil, true): return nil
        case (nil, false):
            var opened = leg
            opened.cursor = position.cursor
            opened.skipThroughID = position.skipThroughID
            return .open(opened)
        }
    }
}

/// What becomes of a leg's row in `fetch_gaps` once its pages are stored.
enum GapMove: Equatable, Sendable {
    /// The leg stopped above its lower bound: a gap opens where it stopped.
    case open(FetchLeg)
    /// The leg's gap now starts where the walk stopped.
    case advance(id: Int64, cursor: String?, skipThroughID: String?)
    /// The leg reached its lower bound: nothing is missing any more.
    case close(id: Int64)
}

/// The positions of a page whose rejected elements this walk records: those strictly between an
/// earlier walk's last take and the leg's bound or the maximum's cut.
private struct OwnedPositions {
    var after = -1
    var before = Int.max

    func contains(_ position: Int) -> Bool { position > after && position < before }
}

/// A page the walk took from leg `leg`, with the walk's position after it.
struct WalkedPage: Sendable {
    let leg: Int
    /// The cursor the page was asked for with.
    let cursor: String?
    let taken: [Memory]
    /// Where each of `taken` stands in the page's `memories` array.
    let positions: [Int]
    /// The page's elements that cannot be stored, with why.
    let rejections: [MemoryRejection]
    let retriedFailures: [String]
    let position: FetchProgress
    /// Whether the walk ends with it: past the last leg, or at the fetch's maximum.
    let isLast: Bool
}
