import BuddiAPI
import BuddiLedger
import Foundation
import JobQueue
import Logging
import Metrics
import Tracing
import PostgresNIO
import PostgresResilience

/// Runs `fetch` jobs: walks the Buddi API newest first, analyses and fingerprints each page's
/// memories on every core while the pages before are stored, and per page in one transaction
/// stores the new conversations complete (analysed, anchored and minted, each row written once)
/// and saves the job's checkpoint.
struct FetchJob: Sendable {
    /// Pages stored in one transaction at most (when the store falls behind the API).
    static let maxPagesPerTransaction = 10

    let client: DatabaseClient
    let api: BuddiAPIClient
    let store: ConversationStore
    let ledger: PostgresLedger
    let drafter: PageDrafter

    /// Runs one attempt and records it in `fetch_runs`. A failure that retrying may fix is
    /// retried after the error-recovery delay (scheduler settings, 5 min by default); a 429
    /// after its Retry-After; a 401 or a bad request is discarded at once.
    func run(_ args: FetchArgs, context: JobContext) async throws -> FetchResult {
        try await client.execute(FetchRunSQL.started(jobID: context.jobID), logger: context.logger)
        let result: FetchResult
        do {
            result = try await walk(args, context: context)
        } catch is CancellationError {
            throw CancellationError()  // shutdown or an operator's cancel: not a failed fetch
        } catch where DatabaseInterruption.isInterruption(error) || DiskCondition.refusal(in: error) != nil {
            throw error  // not a failed fetch either: it resumes once the database is back, or has space
        } catch {
            throw try await recordFailure(error, context: context)
        }
        try await client.execute(FetchRunSQL.succeeded(jobID: context.jobID, result: result), logger: context.logger)
        return result
    }

    /// Records a failed attempt and returns what the queue should do with the job.
    private func recordFailure(_ error: any Error, context: JobContext) async throws -> JobFailure {
        let apiError = (error as? BuddiAPIError) ?? (error as? FetchPageFailure)?.apiError
        // Failed HTTP attempts: an unavailable API failed on every attempt the client made.
        let counts = apiError.map { error -> [String: Int] in
            if case .unavailable(let attempts, _) = error { return [error.kind: attempts] }
            return [error.kind: 1]
        } ?? [:]
        let message = (error as? FetchPageFailure)?.failure.description ?? ErrorSummary.oneLine(error)
        var recovery = 300.0
        let rows = try await client.query(
            FetchRunSQL.failed(jobID: context.jobID, error: message, apiErrors: counts), logger: context.logger)
        for try await seconds in rows.decode(Int32.self) { recovery = Double(seconds) }
        context.logger.error("fetch failed", metadata: ["error": "\(message)"])
        switch (error as? FetchPageFailure)?.failure ?? (error as? JobFailure) {
        case let failure?: return failure
        case nil: return .retry(after: .seconds(recovery), reason: message)
        }
    }

    private func walk(_ args: FetchArgs, context: JobContext) async throws -> FetchResult {
        let days: [BuddiDate?]
        do {
            days = try args.validate()
        } catch {
            throw JobFailure.discard(reason: error.description)
        }
        var progress: FetchProgress
        if let checkpoint = try context.progress(as: FetchProgress.self) {
            progress = checkpoint
        } else {
            progress = FetchProgress(legs: try await plan(days: days, context: context))
        }
        // The API is walked in a task of its own, a few pages ahead of the store; every page that
        // has arrived is stored in the same transaction, so a store slower than the API batches.
        let buffer = PageBuffer<DraftedPage>(capacity: 2 * Self.maxPagesPerTransaction)
        let walker = Task { [progress] in
            do {
                try await walkPages(FetchWalk(from: progress, maximum: args.maxConversations), into: buffer)
                await buffer.finish()
            } catch {
                await buffer.finish(throwing: error)
            }
        }
        defer { walker.cancel() }
        do {
            // An operator's cancel or a shutdown reaches the walker at once, and the store loop
            // at its next batch.
            try await withTaskCancellationHandler {
                try await storePages(from: buffer, into: &progress, context: context)
            } onCancel: {
                walker.cancel()
            }
        } catch {
            await buffer.close()
            throw error
        }
        await buffer.close()
        let metadata: Logger.Metadata = [
            "pages": "\(progress.pages)", "new": "\(progress.new)", "duplicates": "\(progress.duplicates)",
            "repeats": "\(progress.repeats)", "rejected": "\(progress.rejected)",
        ]
        if progress.new == 0 {
            context.logger.warning("fetch finished with no new conversations", metadata: metadata)
        } else {
            context.logger.info("fetch finished", metadata: metadata)
        }
        return progress.result
    }

    /// The legs a fetch walks: a backfill's days; for an incremental fetch, the open gaps it
    /// takes over, then the newest memories down to the newest a fetch has met (``FetchWatermark``).
    private func plan(days: [BuddiDate?], context: JobContext) async throws -> [FetchLeg] {
        let backfill = days.compactMap { $0 }
        guard backfill.isEmpty else { return FetchLeg.days(backfill) }
        return try await client.withOpenConnection { connection in
            var gaps: [FetchGap] = []
            let rows = try await connection.query(FetchGapSQL.take(jobID: context.jobID), logger: context.logger)
            for try await (id, cursor, skip, lowerID, lowerCreatedAt) in rows.decode((Int64, String?, String?, String, Date).self) {
                gaps.append(FetchGap(id: id, cursor: cursor, skipThroughID: skip, lowerID: lowerID, lowerCreatedAt: lowerCreatedAt))
            }
            if !gaps.isEmpty {
                context.logger.info("walking gaps left by earlier fetches", metadata: ["gaps": "\(gaps.count)"])
            }
            return FetchLeg.incremental(gaps: gaps, newest: try await FetchWatermark.read(on: connection, logger: context.logger))
        }
    }

    /// Stores the pages the walker hands over, every page that has arrived in one transaction,
    /// until the walk ends.
    private func storePages(from buffer: PageBuffer<DraftedPage>, into progress: inout FetchProgress, context: JobContext) async throws {
        while true {
            try Task.checkCancellation()
            let pages = try await buffer.take(maximum: Self.maxPagesPerTransaction)
            guard let last = pages.last else { return }
            let storeStart = ContinuousClock.now
            let next = progress.advanced(to: last.walked.position)
            do {
                progress = try await record(pages, after: next, rowByRow: false, context: context)
            } catch let error where DatabaseRefusal.reason(error) != nil {
                // A row the checks let through and the database refuses: the batch again, row by
                // row, to set that one aside and store the others.
                context.logger.warning("the database refused a batch of memories; storing them one by one", metadata: [
                    "error": "\(DatabaseRefusal.reason(error) ?? "")"])
                progress = try await record(pages, after: next, rowByRow: true, context: context)
            }
            progress.storeSeconds += (ContinuousClock.now - storeStart).inSeconds
            context.logger.debug("pages recorded", metadata: [
                "pages": "\(pages.count)", "memories": "\(pages.reduce(0) { $0 + $1.walked.taken.count })",
                "store_ms": "\((ContinuousClock.now - storeStart).inSeconds * 1000)",
            ])
        }
    }

    /// Walks the API leg by leg, handing each page over to the store, drafted, with the
    /// position after it, until the walk ends.
    private func walkPages(_ start: FetchWalk, into buffer: PageBuffer<DraftedPage>) async throws {
        var walk = start
        while let request = walk.nextRequest {
            let began = ContinuousClock.now
            let page = try await fetchPage(request.query, cursor: request.cursor)
            let walked = try walk.take(page, apiSeconds: (ContinuousClock.now - began).inSeconds)
            guard await buffer.put(await drafter.draft(walked)) else { return }
        }
    }

    /// In one transaction: stores the new conversations of the pages that arrived (`rowByRow`,
    /// each on its own, setting aside those the database refuses), records the rejected ones,
    /// moves the gaps the pages came from, and saves the checkpoint `next` with the counts and
    /// the API failures the client retried for these pages. A retry resumes from it.
    private func record(
        _ pages: [DraftedPage], after next: FetchProgress, rowByRow: Bool, context: JobContext
    ) async throws -> FetchProgress {
        try await withSpan("store pages") { span in
            span.setMemoryIDs(pages.flatMap { $0.walked.taken.map(\.id) })
            let saved = try await store(pages, after: next, rowByRow: rowByRow, context: context)
            if span.isRecording {
                span.attributes["buddi.pages"] = pages.count
                span.attributes["buddi.stored"] = saved.new - next.new
                span.attributes["buddi.rejected"] = saved.rejected - next.rejected
                span.attributes["buddi.row_by_row"] = rowByRow
            }
            return saved
        }
    }

    private func store(
        _ pages: [DraftedPage], after next: FetchProgress, rowByRow: Bool, context: JobContext
    ) async throws -> FetchProgress {
        let drafts = pages.flatMap { $0.drafted.map(\.draft) }
        let retriedFailures = pages.flatMap(\.walked.retriedFailures)
        return try await client.transaction(logger: context.logger) { connection in
            try await connection.skipCommitFlush(logger: context.logger)
            let contracts = try await ledger.contracts(on: connection)
            if !retriedFailures.isEmpty {
                let counts = Dictionary(retriedFailures.map { ($0, 1) }, uniquingKeysWith: +)
                try await connection.query(FetchRunSQL.addAPIErrors(jobID: context.jobID, counts: counts), logger: context.logger)
            }
            var saved = next
            var rejections = pages.flatMap(\.rejections)
            let new: Int
            if rowByRow {
                let stored = try await storeRowByRow(pages, contracts: contracts, context: context, on: connection)
                new = stored.new
                rejections += stored.refused
            } else {
                new = try await store.insert(drafts, fetchJobID: context.jobID, contracts: contracts, on: connection)
            }
            try await FetchWatermark.advance(past: pages.flatMap { $0.drafted.map(\.memory) }, on: connection, logger: context.logger)
            if !rejections.isEmpty {
                try await connection.query(RejectionSQL.record(rejections, jobID: context.jobID), logger: context.logger)
                Counter(label: "buddi_memories_rejected_total").increment(by: rejections.count)
                context.logger.warning("rejected memories that cannot be stored; the rest of their pages is stored", metadata: [
                    "rejected": "\(rejections.count)", "first": "\(rejections[0].reason)"])
            }
            // Taken memories set aside: those that could not be drafted, and those the database refused.
            let setAside = rejections.count - pages.reduce(0) { $0 + $1.walked.rejections.count }
            saved.stored(taken: pages.reduce(0) { $0 + $1.walked.taken.count }, new: new, setAside: setAside, rejected: rejections.count)
            for leg in Set(pages.map(\.walked.leg)).sorted() {
                guard let last = pages.last(where: { $0.walked.leg == leg }) else { continue }
                try await moveGap(of: leg, to: last.walked.position, in: &saved, on: connection, context: context)
            }
            try await context.saveProgress(saved, on: connection)
            return saved
        }
    }

    /// Stores the pages' drafts one by one, each under a savepoint: one the database refuses is
    /// rolled back alone and comes back as a rejection with the database's reason.
    private func storeRowByRow(
        _ pages: [DraftedPage], contracts: LedgerContracts, context: JobContext, on connection: PostgresConnection
    ) async throws -> (new: Int, refused: [MemoryRejection]) {
        var new = 0
        var refused: [MemoryRejection] = []
        for page in pages {
            for drafted in page.drafted {
                try await connection.query("SAVEPOINT buddi_memory", logger: context.logger)
                do {
                    new += try await store.insert([drafted.draft], fetchJobID: context.jobID, contracts: contracts, on: connection)
                    try await connection.query("RELEASE SAVEPOINT buddi_memory", logger: context.logger)
                } catch let error where DatabaseRefusal.reason(error) != nil {
                    try await connection.query("ROLLBACK TO SAVEPOINT buddi_memory", logger: context.logger)
                    refused.append(MemoryRejection(
                        drafted.memory, reason: "the database refused it: \(DatabaseRefusal.reason(error) ?? "")",
                        pageCursor: page.walked.cursor, position: drafted.position))
                }
            }
        }
        return (new, refused)
    }

    /// Keeps leg `index`'s gap where its walk has come (see ``FetchWalk/gapMove(of:to:legs:)``),
    /// in the transaction storing its pages.
    private func moveGap(
        of index: Int, to position: FetchProgress, in saved: inout FetchProgress, on connection: PostgresConnection, context: JobContext
    ) async throws {
        switch FetchWalk.gapMove(of: index, to: position, legs: saved.legs) {
        case nil:
            return
        case .close(let id):
            try await connection.query(FetchGapSQL.close(id: id), logger: context.logger)
        case .advance(let id, let cursor, let skipThroughID):
            try await connection.query(FetchGapSQL.advance(id: id, cursor: cursor, skipThroughID: skipThroughID), logger: context.logger)
        case .open(var leg):
            for try await id in try await connection.query(FetchGapSQL.open(jobID: context.jobID, leg: leg), logger: context.logger).decode(Int64.self) {
                leg.gapID = id
            }
            saved.legs[index] = leg
            context.logger.info("fetch reached its maximum above the memories stored before it; the gap is remembered for the next fetch")
        }
    }

    /// A page, with the API's errors that decide the job's fate turned into the queue's: 401,
    /// a bad request or an undocumented status discards the job at once; a 429 retries after its
    /// Retry-After; the rest retry after the error-recovery delay.
    private func fetchPage(_ query: MemoryQuery, cursor: String?) async throws -> MemoryPage {
        do {
            return try await api.fetchPage(query, cursor: cursor)
        } catch {
            switch error {
            case .unauthorized, .invalidRequest, .invalidConfiguration, .unexpectedStatus:
                throw FetchPageFailure(apiError: error, failure: .discard(reason: error.description))
            case .rateLimited(let retryAfter):
                throw FetchPageFailure(apiError: error, failure: .retry(after: retryAfter ?? .seconds(60), reason: error.description))
            case .cancelled:
                throw CancellationError()
            case .unavailable, .malformedResponse:
                throw error
            }
        }
    }
}

/// An API error that decides the fetch job's fate, with the decision.
struct FetchPageFailure: Error {
    let apiError: BuddiAPIError
    let failure: JobFailure
}
