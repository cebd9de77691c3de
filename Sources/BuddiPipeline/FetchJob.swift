import BuddiAPI
import Foundation
import JobQueue
import Logging
import PostgresNIO

/// Runs `fetch` jobs: walks the Buddi API newest first and, per page in one transaction, inserts
/// the new memories, enqueues `process` jobs for them (so workers everywhere share the
/// processing) and saves the job's checkpoint.
struct FetchJob: Sendable {
    /// Pages stored in one transaction at most (when the store falls behind the API).
    static let maxPagesPerTransaction = 10

    let client: PostgresClient
    let api: BuddiAPIClient
    let store: ConversationStore
    let queue: JobQueue
    /// Conversations per `process` job.
    let processBatchSize: Int

    /// Runs one attempt and records it in `fetch_runs`. A failure that retrying may fix is
    /// retried after the error-recovery delay (scheduler settings, 5 min by default); a 429
    /// after its Retry-After; a 401 or a bad request is discarded at once.
    func run(_ args: FetchArgs, context: JobContext) async throws -> FetchResult {
        try await client.query(FetchRunSQL.started(jobID: context.jobID), logger: context.logger)
        let result: FetchResult
        do {
            result = try await walk(args, context: context)
        } catch is CancellationError {
            throw CancellationError()  // shutdown or an operator's cancel: not a failed fetch
        } catch {
            throw try await recordFailure(error, context: context)
        }
        try await client.query(FetchRunSQL.succeeded(jobID: context.jobID, result: result), logger: context.logger)
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
        var progress = try context.progress(as: FetchProgress.self) ?? FetchProgress()
        if days == [nil], !progress.watermarkResolved {
            let newest = try await client.withConnection { try await store.newestStored(on: $0) }
            progress.watermarkID = newest?.buddiID
            progress.watermarkCreatedAt = newest?.createdAt
            progress.watermarkResolved = true
        }
        // The API is walked in a task of its own, a few pages ahead of the store; every page that
        // has arrived is stored in the same transaction, so a store slower than the API batches.
        let buffer = PageBuffer<WalkedPage>(capacity: 2 * Self.maxPagesPerTransaction)
        let walker = Task { [progress] in
            do {
                try await walkPages(days: days, args: args, from: progress, into: buffer)
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
            "rejected": "\(progress.rejected.count)",
        ]
        if progress.new == 0 {
            context.logger.warning("fetch finished with no new conversations", metadata: metadata)
        } else {
            context.logger.info("fetch finished", metadata: metadata)
        }
        return progress.result
    }

    /// Stores the pages the walker hands over, every page that has arrived in one transaction,
    /// until the walk ends; the last page enqueues the processing of everything still unqueued.
    private func storePages(from buffer: PageBuffer<WalkedPage>, into progress: inout FetchProgress, context: JobContext) async throws {
        while true {
            try Task.checkCancellation()
            let pages = try await buffer.take(maximum: Self.maxPagesPerTransaction)
            guard let last = pages.last else { return }
            let storeStart = ContinuousClock.now
            progress = try await record(
                pages.flatMap(\.taken), next: progress.advanced(to: last.position), isLast: last.isLast,
                retriedFailures: pages.flatMap(\.retriedFailures), context: context)
            progress.storeSeconds = (progress.storeSeconds ?? 0) + (ContinuousClock.now - storeStart).inSeconds
            context.logger.debug("pages recorded", metadata: [
                "pages": "\(pages.count)", "memories": "\(pages.reduce(0) { $0 + $1.taken.count })",
                "store_ms": "\((ContinuousClock.now - storeStart).inSeconds * 1000)",
            ])
        }
    }

    /// Walks the API from `start`, handing each page over to the store with the position after it.
    private func walkPages(days: [BuddiDate?], args: FetchArgs, from start: FetchProgress, into buffer: PageBuffer<WalkedPage>) async throws {
        var position = start
        while position.dayIndex < days.count, position.memoriesSeen < args.maxConversations {
            let began = ContinuousClock.now
            let page = try await fetchPage(MemoryQuery(date: days[position.dayIndex]), cursor: position.cursor)
            let taken = Array(page.memories.prefix(args.maxConversations - position.memoriesSeen))
            let reachedWatermark = days == [nil] && taken.contains(where: isAtOrBelowWatermark(position))
            position.pages += 1
            position.memoriesSeen += taken.count
            position.rejected += page.skipped.map { FetchProgress.Rejected(id: $0.error.id, reason: $0.error.reason) }
            position.apiSeconds = (position.apiSeconds ?? 0) + (ContinuousClock.now - began).inSeconds
            if page.nextCursor == nil || reachedWatermark {
                position.dayIndex += 1
                position.cursor = nil
            } else {
                position.cursor = page.nextCursor
            }
            let isLast = position.dayIndex >= days.count || position.memoriesSeen >= args.maxConversations
            let walked = WalkedPage(taken: taken, position: position, retriedFailures: page.retriedFailures, isLast: isLast)
            guard await buffer.put(walked) else { return }
        }
    }

    /// In one transaction: inserts the new memories of the pages that arrived, enqueues `process` jobs for every full
    /// batch of stored but unqueued conversations (for all of them on the last page), and saves
    /// the checkpoint `next` with the counts and the ids still unqueued, and the API failures the
    /// client retried for this page. A retry resumes from it.
    private func record(
        _ taken: [Memory], next: FetchProgress, isLast: Bool, retriedFailures: [String], context: JobContext
    ) async throws -> FetchProgress {
        try await client.withTransaction(logger: context.logger) { connection in
            try await connection.skipCommitFlush(logger: context.logger)
            if !retriedFailures.isEmpty {
                let counts = Dictionary(retriedFailures.map { ($0, 1) }, uniquingKeysWith: +)
                try await connection.query(FetchRunSQL.addAPIErrors(jobID: context.jobID, counts: counts), logger: context.logger)
            }
            var saved = next
            let ids = try await store.insert(taken, fetchJobID: context.jobID, on: connection)
            saved.new += ids.count
            saved.duplicates += taken.count - ids.count
            saved.unqueuedIDs += ids
            let ready = isLast ? saved.unqueuedIDs.count : saved.unqueuedIDs.count - saved.unqueuedIDs.count % processBatchSize
            let jobs = try stride(from: 0, to: ready, by: processBatchSize).map { start in
                try NewJob(ProcessArgs(conversationIDs: Array(saved.unqueuedIDs[start..<min(start + processBatchSize, ready)])))
            }
            try await queue.enqueue(jobs, on: connection)
            saved.unqueuedIDs.removeFirst(ready)
            try await context.saveProgress(saved, on: connection)
            return saved
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

    /// Whether a memory is the watermark or older. Timestamps come with and without fractional
    /// seconds, so the order they give is only trusted beyond a second; a memory without a
    /// creation time says nothing about where the walk is.
    private func isAtOrBelowWatermark(_ progress: FetchProgress) -> (Memory) -> Bool {
        { memory in
            guard let watermark = progress.watermarkCreatedAt else { return false }
            if memory.id == progress.watermarkID { return true }
            guard let createdAt = memory.createdAt else { return false }
            return createdAt < watermark.addingTimeInterval(-1)
        }
    }
}

/// An API error that decides the fetch job's fate, with the decision.
struct FetchPageFailure: Error {
    let apiError: BuddiAPIError
    let failure: JobFailure
}

/// A page the walker took, with the walk's position after it.
struct WalkedPage: Sendable {
    let taken: [Memory]
    let position: FetchProgress
    let retriedFailures: [String]
    let isLast: Bool
}
