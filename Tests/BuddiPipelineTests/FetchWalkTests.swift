import BuddiAPI
@testable import BuddiPipeline
import Foundation
import Testing

/// The fetch walk on its own: pages built from JSON bodies, no database, no network. Each case
/// is one the chaos suite or an API's behaviour brought up.
@Suite("The fetch walk")
struct FetchWalkTests {
    /// A page body: an id is a memory created `ages[id]` seconds before a fixed time (its index
    /// in `order` by default, so that later letters are older); nil is an element with no id,
    /// which the reader rejects.
    static func page(_ ids: [String?], next: String?) throws -> MemoryPage {
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let elements = ids.map { id -> String in
            guard let id else { return #"{"title": "no id"}"# }
            let created = base.addingTimeInterval(-age(of: id)).formatted(.iso8601)
            return #"{"id": "\#(id)", "created_at": "\#(created)"}"#
        }
        let cursor = next.map { "\"\($0)\"" } ?? "null"
        return try MemoryPage(body: Data(#"{"memories": [\#(elements.joined(separator: ","))], "next_cursor": \#(cursor)}"#.utf8))
    }

    /// Ten seconds a letter: "a" is the newest.
    static func age(of id: String) -> Double {
        Double(id.unicodeScalars.first.map { $0.value - 97 } ?? 0) * 10
    }

    /// A leg of the newest memories down to `id`, the newest stored.
    static func leg(downTo id: String) -> FetchLeg {
        FetchLeg(lowerID: id, lowerCreatedAt: Date(timeIntervalSince1970: 1_800_000_000 - age(of: id)))
    }

    @Test("a page repeating the page before at its boundary takes only what is new, and counts the repeats")
    func repeatsAcrossPages() throws {
        var walk = FetchWalk(from: FetchProgress(legs: [FetchLeg()]), maximum: 100)
        let first = try walk.take(Self.page(["a", "b", "c"], next: "p2"), apiSeconds: 0)
        #expect(first.taken.map(\.id) == ["a", "b", "c"])
        #expect(walk.nextRequest?.cursor == "p2")
        let second = try walk.take(Self.page(["b", "c", "d", "e"], next: nil), apiSeconds: 0)
        #expect(second.taken.map(\.id) == ["d", "e"])
        #expect(second.positions == [2, 3])
        #expect(walk.position.repeats == 2)
        #expect(walk.position.memoriesSeen == 5)
        #expect(second.isLast && walk.nextRequest == nil)
    }

    @Test("a leg ending mid-page takes down to its bound and moves to the next leg; rejections below it are not its own")
    func legEndsMidPage() throws {
        let legs = [Self.leg(downTo: "c"), FetchLeg(day: "2026-01-01")]
        var walk = FetchWalk(from: FetchProgress(legs: legs), maximum: 100)
        let walked = try walk.take(Self.page(["a", nil, "b", "c", nil, "d"], next: "p2"), apiSeconds: 0)
        #expect(walked.taken.map(\.id) == ["a", "b", "c"])
        #expect(walked.rejections.map(\.position) == [1])
        #expect(walk.position.legIndex == 1)
        #expect(walk.nextRequest?.cursor == nil)
        #expect(walk.nextRequest?.query.date?.description == "2026-01-01")
        #expect(!walked.isLast)
    }

    @Test("a memory older than the bound by more than a second ends the leg even when the bound itself is gone")
    func boundByTime() throws {
        var walk = FetchWalk(from: FetchProgress(legs: [Self.leg(downTo: "c")]), maximum: 100)
        let walked = try walk.take(Self.page(["a", "b", "d", "e"], next: "p2"), apiSeconds: 0)
        #expect(walked.taken.map(\.id) == ["a", "b", "d"])
        #expect(walked.isLast)
    }

    @Test("the fetch's maximum cuts a page: the walk stops, remembers the last memory taken, and leaves the rest's rejections")
    func cutAtMaximum() throws {
        var walk = FetchWalk(from: FetchProgress(legs: [Self.leg(downTo: "z")]), maximum: 2)
        let walked = try walk.take(Self.page([nil, "a", "b", nil, "c"], next: "p2"), apiSeconds: 0)
        #expect(walked.taken.map(\.id) == ["a", "b"])
        #expect(walked.rejections.map(\.position) == [0])
        #expect(walk.position.skipThroughID == "b")
        #expect(walk.position.cursor == nil)
        #expect(walk.position.legIndex == 0)
        #expect(walked.isLast && walk.nextRequest == nil)
    }

    @Test("a cut on the API's last page stays on that page instead of ending the leg")
    func cutOnLastPage() throws {
        var walk = FetchWalk(from: FetchProgress(legs: [Self.leg(downTo: "z"), FetchLeg()]), maximum: 2)
        _ = try walk.take(Self.page(["a", "b", "c"], next: nil), apiSeconds: 0)
        #expect(walk.position.legIndex == 0)
        #expect(walk.position.skipThroughID == "b")

        var uncut = FetchWalk(from: FetchProgress(legs: [Self.leg(downTo: "z"), FetchLeg()]), maximum: 3)
        _ = try uncut.take(Self.page(["a", "b", "c"], next: nil), apiSeconds: 0)
        #expect(uncut.position.legIndex == 1, "the last page taken whole ends the leg")
    }

    @Test("a walk resuming a cut page takes past the memory it stopped at, and only the rejections after it")
    func resumeAfterCut() throws {
        let leg = FetchLeg(gapID: 7, cursor: "p5", skipThroughID: "b", lowerID: "z", lowerCreatedAt: Date(timeIntervalSince1970: 0))
        var walk = FetchWalk(from: FetchProgress(legs: [leg]), maximum: 100)
        #expect(walk.nextRequest?.cursor == "p5")
        let walked = try walk.take(Self.page([nil, "a", "b", nil, "c"], next: "p6"), apiSeconds: 0)
        #expect(walked.taken.map(\.id) == ["c"])
        #expect(walked.rejections.map(\.position) == [3])
        #expect(walked.rejections.allSatisfy { $0.pageCursor == "p5" })
        #expect(walk.nextRequest?.cursor == "p6")
    }

    @Test("five pages in a row of nothing but repeats are a malformed response; four are not")
    func repeatOnlyPages() throws {
        var walk = FetchWalk(from: FetchProgress(legs: [FetchLeg()]), maximum: 100)
        _ = try walk.take(Self.page(["a", "b"], next: "p"), apiSeconds: 0)
        for _ in 1..<FetchWalk.maxRepeatOnlyPages {
            let walked = try walk.take(Self.page(["a", "b"], next: "p"), apiSeconds: 0)
            #expect(walked.taken.isEmpty)
        }
        #expect(throws: BuddiAPIError.self) {
            _ = try walk.take(Self.page(["a", "b"], next: "p"), apiSeconds: 0)
        }

        var interrupted = FetchWalk(from: FetchProgress(legs: [FetchLeg()]), maximum: 100)
        _ = try interrupted.take(Self.page(["a", "b"], next: "p"), apiSeconds: 0)
        for _ in 1..<FetchWalk.maxRepeatOnlyPages { _ = try interrupted.take(Self.page(["a", "b"], next: "p"), apiSeconds: 0) }
        _ = try interrupted.take(Self.page(["a", "b", "c"], next: "p"), apiSeconds: 0)
        _ = try interrupted.take(Self.page(["c"], next: "p"), apiSeconds: 0)
        #expect(interrupted.position.memoriesSeen == 3, "a page with something new resets the count")
    }

    @Test("a leg's gap opens where a walk stops above its bound, follows it down, and closes at the bound")
    func gapMoves() throws {
        let open = Self.leg(downTo: "z")
        var stopped = FetchProgress(legs: [open])
        stopped.cursor = "p3"
        stopped.skipThroughID = "k"
        var expected = open
        expected.cursor = "p3"
        expected.skipThroughID = "k"
        #expect(FetchWalk.gapMove(of: 0, to: stopped, legs: [open]) == .open(expected))

        var held = open
        held.gapID = 9
        #expect(FetchWalk.gapMove(of: 0, to: stopped, legs: [held]) == .advance(id: 9, cursor: "p3", skipThroughID: "k"))
        var past = stopped
        past.legIndex = 1
        #expect(FetchWalk.gapMove(of: 0, to: past, legs: [held]) == .close(id: 9))
        #expect(FetchWalk.gapMove(of: 0, to: past, legs: [open]) == nil, "a leg that reached its bound has no gap")
        #expect(FetchWalk.gapMove(of: 0, to: stopped, legs: [FetchLeg()]) == nil, "the first fetch's leg has no bound")
        #expect(FetchWalk.gapMove(of: 0, to: stopped, legs: [FetchLeg(day: "2026-01-01", lowerID: "z")]) == nil, "a backfill's day has no gap")
    }
}

/// What a fetch's checkpoint counts as its pages are stored.
@Suite("The fetch checkpoint")
struct FetchCheckpointTests {
    @Test("duplicates are the memories taken that were neither stored nor set aside")
    func counts() {
        var progress = FetchProgress(legs: [FetchLeg()])
        progress.stored(taken: 4, new: 3, setAside: 0, rejected: 1)
        progress.stored(taken: 3, new: 1, setAside: 1, rejected: 1)
        progress.stored(taken: 3, new: 3, setAside: 0, rejected: 0)
        #expect((progress.new, progress.duplicates, progress.rejected) == (7, 2, 2))
    }
}
