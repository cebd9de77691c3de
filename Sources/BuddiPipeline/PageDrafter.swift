import BuddiAPI
import BuddiAnalytics
import Foundation
import JobQueue
import Tracing

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

    /// Drafts `page` in a span (`draft page`), each draft with the trace it runs in.
    func draft(_ page: WalkedPage) async -> DraftedPage {
        await withSpan("draft page") { span in
            span.setMemoryIDs(page.taken.map(\.id))
            return await draft(page, traceID: JobTraceContext.currentSampledTraceID())
        }
    }

    private func draft(_ page: WalkedPage, traceID: String?) async -> DraftedPage {
        let items = Array(zip(page.taken, page.positions))
        let sliceSize = max(1, (items.count + parallelism - 1) / parallelism)
        let slices = stride(from: 0, to: items.count, by: sliceSize).map { Array(items[$0..<min($0 + sliceSize, items.count)]) }
        let results = await withTaskGroup(of: (Int, [Outcome]).self) { group in
            for (index, slice) in slices.enumerated() {
                group.addTask { (index, slice.map { draft($0.0, position: $0.1, cursor: page.cursor, traceID: traceID) }) }
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

    private func draft(_ memory: Memory, position: Int, cursor: String?, traceID: String?) -> Outcome {
        do {
            let draft = try ConversationDraft(memory, analyzer: analyzer, traceID: traceID)
            return .drafted(DraftedPage.Drafted(draft: draft, memory: memory, position: position))
        } catch {
            return .rejected(MemoryRejection(memory, reason: "cannot be analysed: \(error)", pageCursor: cursor, position: position))
        }
    }
}
