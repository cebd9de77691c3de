import BuddiAPI
import BuddiAnalytics
import Foundation

/// A walked page with its memories drafted: those ready to store, and the page's rejections
/// (what the reader refused, and what could not be drafted).
struct DraftedPage: Sendable {
    /// A memory of the page and its draft.
    struct Drafted: Sendable {
        let draft: ConversationDraft
        let memory: Memory
        /// Where it stands in the page's `memories` array.
        let position: Int
    }

    let walked: WalkedPage
    let drafted: [Drafted]
    let rejections: [MemoryRejection]
}

/// Drafts the memories of a page (``ConversationDraft``) on every core, in slices.
struct PageDrafter: Sendable {
    let analyzer: ConversationAnalyzer
    /// How many slices a page is drafted in at once.
    let parallelism: Int

    init(analyzer: ConversationAnalyzer = .shared, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.analyzer = analyzer
        self.parallelism = max(1, parallelism)
    }

    func draft(_ page: WalkedPage) async -> DraftedPage {
        let items = Array(zip(page.taken, page.positions))
        let sliceSize = max(1, (items.count + parallelism - 1) / parallelism)
        let slices = stride(from: 0, to: items.count, by: sliceSize).map { Array(items[$0..<min($0 + sliceSize, items.count)]) }
        let results = await withTaskGroup(of: (Int, [Outcome]).self) { group in
            for (index, slice) in slices.enumerated() {
                group.addTask { (index, slice.map { draft($0.0, position: $0.1, cursor: page.cursor) }) }
            }
            var bySlice = [[Outcome]](repeating: [], count: slices.count)
            for await (index, results) in group { bySlice[index] = results }
            return bySlice.flatMap { $0 }
        }
        var drafted: [DraftedPage.Drafted] = []
        var rejections = page.rejections
        for result in results {
            switch result {
            case .drafted(let item): drafted.append(item)
            case .rejected(let rejection): rejections.append(rejection)
            }
        }
        return DraftedPage(walked: page, drafted: drafted, rejections: rejections)
    }

    /// A memory drafted, or set aside.
    private enum Outcome: Sendable {
        case drafted(DraftedPage.Drafted)
        case rejected(MemoryRejection)
    }

    private func draft(_ memory: Memory, position: Int, cursor: String?) -> Outcome {
        do {
            return .drafted(DraftedPage.Drafted(draft: try ConversationDraft(memory, analyzer: analyzer), memory: memory, position: position))
        } catch {
            return .rejected(MemoryRejection(memory, reason: "cannot be analysed: \(error)", pageCursor: cursor, position: position))
        }
    }
}
