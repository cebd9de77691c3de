import BuddiAPI
import Foundation

/// The simulated history: memories numbered by arrival (serial 0 is the oldest), served newest
/// first with cursors that stay valid while new memories arrive.
///
/// A cursor names the serial just below the last memory served, so memories that arrive later
/// (with higher serials) never shift an older page.
actor MemoryStore {
    private let generator: MemoryGenerator
    /// Creation times by serial; strictly increasing.
    private var createdAt: [Date]
    /// Each memory's JSON text once rendered: a memory never changes, and rendering is most of
    /// what serving a page costs.
    private var rendered: [Int: String] = [:]

    /// When the seeded history starts; memory `n` is created about `n × 45` minutes later.
    static let historyStart = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01T00:00:00Z
    private static let spacing: TimeInterval = 45 * 60

    init(count: Int, generator: MemoryGenerator) {
        self.generator = generator
        self.createdAt = (0..<max(0, count)).map { serial in
            var random = SeededGenerator(seed: SeededGenerator.mix(generator.seed &+ UInt64(serial)))
            let offset = TimeInterval(Int.random(in: 0..<Int(Self.spacing / 2), using: &random))
            return Self.historyStart.addingTimeInterval(TimeInterval(serial) * Self.spacing + offset)
        }
    }

    /// How many memories there are.
    var count: Int { createdAt.count }

    /// Adds `count` memories created now (or just after the newest, whichever is later); returns
    /// their ids and JSON texts.
    @discardableResult
    func arrive(_ count: Int, now: Date = Date()) -> [(id: String, json: String)] {
        (0..<count).map { _ in
            let newest = createdAt.last ?? .distantPast
            createdAt.append(max(now, newest.addingTimeInterval(0.001)))
            let serial = createdAt.count - 1
            return (generator.id(serial: serial), render(serial))
        }
    }

    /// Renders every memory now, so that serving pages later costs little (benchmarks call it
    /// before their clock starts: the simulator stands in for a server on another machine).
    func renderAll() {
        for serial in createdAt.indices { _ = render(serial) }
    }

    /// A memory's JSON text, rendered once.
    private func render(_ serial: Int) -> String {
        if let text = rendered[serial] { return text }
        let text = generator.text(serial: serial, createdAt: createdAt[serial])
        rendered[serial] = text
        return text
    }

    /// Every memory's id and JSON text, oldest first.
    func texts() -> [(id: String, json: String)] {
        createdAt.indices.map { (generator.id(serial: $0), render($0)) }
    }

    /// The ids of all memories, newest first (what a complete paging must yield).
    func allIDs() -> [String] {
        createdAt.indices.reversed().map { generator.id(serial: $0) }
    }

    /// The memories served broken (see ``BadMemoryKind``), newest first, with their ids.
    func badMemories() -> [(id: String, kind: BadMemoryKind)] {
        createdAt.indices.reversed().compactMap { serial in generator.badKind(serial: serial).map { (generator.id(serial: serial), $0) } }
    }

    /// A page of at most `limit` memories below `cursor` (from the newest when `nil`), only of
    /// `day` when given. `repeatLast` makes the next page start again with this page's last memory.
    func page(limit: Int, day: BuddiDate?, cursor: PageCursor?, repeatLast: Bool) -> (memories: [String], next: PageCursor?) {
        let lower = day.map { day in createdAt.partitioningIndex { $0 >= day.start } } ?? 0
        let dayEnd = day.map { day in createdAt.partitioningIndex { $0 >= day.end } } ?? createdAt.count
        let upper = min(dayEnd, cursor?.below ?? createdAt.count)
        let first = max(lower, upper - limit)
        guard first < upper else { return ([], nil) }
        let serials = (first..<upper).reversed()
        let memories = serials.map(render)
        guard first > lower else { return (memories, nil) }
        return (memories, PageCursor(below: repeatLast && serials.count > 1 ? first + 1 : first))
    }
}

/// Where the next page starts: just below a serial. Opaque to clients (`c` and base 36).
struct PageCursor: Sendable, Hashable {
    let below: Int

    init(below: Int) { self.below = below }

    init?(_ text: String) {
        guard text.first == "c", let below = Int(text.dropFirst(), radix: 36), below >= 0 else { return nil }
        self.below = below
    }

    var text: String { "c" + String(below, radix: 36) }
}

extension Array {
    /// The first index whose element satisfies `predicate`, for a predicate that is false and then
    /// true along the array (binary search).
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
