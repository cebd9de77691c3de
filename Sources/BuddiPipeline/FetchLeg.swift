import BuddiAPI
import Foundation

/// One stretch of the API a fetch walks newest first: a day of a backfill, or, for an incremental
/// fetch, an open gap in the stored history (see `fetch_gaps`) or the newest memories down to the
/// newest one stored.
struct FetchLeg: Codable, Sendable, Equatable {
    /// The day it is limited to (`YYYY-MM-DD`), for a backfill.
    var day: String?
    /// The open gap this leg walks down, once it has one: a gap's leg from the start; the leg of
    /// the newest memories once its first page is stored above a lower bound.
    var gapID: Int64?
    /// Where the leg begins: a page's cursor (nil: the newest page), and the last memory of that
    /// page already taken, if any (a page cut at an earlier fetch's maximum).
    var cursor: String?
    var skipThroughID: String?
    /// Where it ends: the newest memory stored below it. Without one (a backfill, or the first
    /// fetch of all) it ends at the API's last page or the fetch's maximum.
    var lowerID: String?
    var lowerCreatedAt: Date?

    /// The query of its pages.
    var query: MemoryQuery { MemoryQuery(date: day.flatMap(BuddiDate.init)) }

    /// Whether a memory is the leg's lower bound or older. Timestamps come with and without
    /// fractional seconds, so the order they give is only trusted beyond a second; a memory
    /// without a creation time says nothing about where the walk is.
    func reachesLowerBound(_ memory: Memory) -> Bool {
        guard let lowerCreatedAt else { return false }
        if memory.id == lowerID { return true }
        guard let createdAt = memory.createdAt else { return false }
        return createdAt < lowerCreatedAt.addingTimeInterval(-1)
    }

    /// The legs of a backfill: its days, newest first.
    static func days(_ days: [BuddiDate]) -> [FetchLeg] {
        days.map { FetchLeg(day: $0.description) }
    }

    /// The legs of an incremental fetch: the open gaps it walks, oldest first (so that the
    /// history fills in the order it arrived), then the newest memories down to `newest`.
    static func incremental(gaps: [FetchGap], newest: (buddiID: String, createdAt: Date)?) -> [FetchLeg] {
        gaps.sorted { $0.id < $1.id }.map { gap in
            FetchLeg(
                gapID: gap.id, cursor: gap.cursor, skipThroughID: gap.skipThroughID,
                lowerID: gap.lowerID, lowerCreatedAt: gap.lowerCreatedAt)
        } + [FetchLeg(lowerID: newest?.buddiID, lowerCreatedAt: newest?.createdAt)]
    }
}

/// An open gap, as `fetch_gaps` holds it.
struct FetchGap: Sendable, Equatable {
    let id: Int64
    let cursor: String?
    let skipThroughID: String?
    let lowerID: String
    let lowerCreatedAt: Date
}
