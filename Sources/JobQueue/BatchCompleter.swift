import Logging
import PostgresNIO
import Synchronization
import PostgresResilience

/// Records job outcomes in batches: the first outcome of a batch waits up to `delay` for others
/// (unless the batch fills first), and whatever finished while the previous flush was in flight
/// goes out in the next single statement (group commit), so the busier the worker, the larger
/// the batch. `close()` then `run()` returning means every outcome has been flushed.
final class BatchCompleter: Sendable {
    /// What is waiting to be written, and when `run()` writes it (internal for its tests).
    struct State {
        var pending: [FinishedJob] = []
        /// When the oldest outcome in `pending` arrived.
        var oldestArrival: ContinuousClock.Instant?
        var closed = false

        /// Queues `job`; true if `run()` must be woken: for the first of a batch, which starts its
        /// delay, and for the one that fills it.
        /// (`now`: the clock, read only for the first of a batch unless given.)
        mutating func add(_ job: FinishedJob, maxBatch: Int, now: ContinuousClock.Instant? = nil) -> Bool {
            pending.append(job)
            if oldestArrival == nil { oldestArrival = now ?? .now }
            return pending.count == 1 || pending.count == maxBatch
        }

        /// What `run()` does next: flush a batch, wait this long for one to fill, or return.
        mutating func next(maxBatch: Int, delay: Duration, now: ContinuousClock.Instant = .now) -> Step {
            guard let oldest = oldestArrival else { return closed ? .finish : .idle }
            let left = oldest + delay - now
            if !closed, left > .zero, pending.count < maxBatch { return .linger(left) }
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            // Left over from a full batch: they arrived after `oldest`, so they wait at most what it
            // had left of its delay.
            oldestArrival = pending.isEmpty ? nil : oldest
            return .flush(batch, arrival: oldest, closed: closed)
        }

        /// Puts back outcomes that arrived at `arrival` (a batch whose flush failed, or one set
        /// aside), in front: they keep their place and their time, and wait no delay again.
        mutating func putBack(_ jobs: [FinishedJob], arrival: ContinuousClock.Instant) {
            pending.insert(contentsOf: jobs, at: 0)
            oldestArrival = min(oldestArrival ?? arrival, arrival)
        }
    }

    enum Step {
        /// Flush these, the oldest of which arrived at `arrival`; `closed`: at shutdown.
        case flush([FinishedJob], arrival: ContinuousClock.Instant, closed: Bool)
        case linger(Duration)
        case idle
        case finish
    }

    private let client: DatabaseClient
    private let workerID: String
    private let hooks: JobHooks
    private let maxBatch: Int
    private let delay: Duration
    private let statements: StatementMode
    private let logger: Logger
    private let state = Mutex(State())
    /// How long one flush may take before it is given up and tried again (a retried flush is
    /// harmless: the fence lets each outcome be written once).
    static let flushDeadline: Duration = .seconds(10)
    private let wake = WakeSignal()
    private let onFlushed: @Sendable ([FinishedJob], FlushedOutcomes) -> Void

    /// - Parameter onFlushed: told each flushed batch and what the database did with it.
    init(
        client: DatabaseClient, workerID: String, hooks: JobHooks, maxBatch: Int, delay: Duration, statements: StatementMode,
        logger: Logger, onFlushed: @escaping @Sendable ([FinishedJob], FlushedOutcomes) -> Void
    ) {
        self.client = client
        self.workerID = workerID
        self.hooks = hooks
        self.maxBatch = maxBatch
        self.delay = delay
        self.statements = statements
        self.logger = logger
        self.onFlushed = onFlushed
    }

    /// Queues an outcome for the next flush.
    func add(_ job: FinishedJob) {
        // Only the first of a batch and the one that fills it wake `run()`: the others would
        // only wake it to wait again.
        if state.withLock({ $0.add(job, maxBatch: maxBatch) }) { wake.signal() }
    }

    /// Asks `run()` to flush what is left and return.
    func close() {
        state.withLock { $0.closed = true }
        wake.signal()
    }

    /// Flushes until closed and empty. A failed flush is retried with backoff, so an outcome is
    /// not lost to a passing database error. Only at shutdown, after five failed tries, is it
    /// given up: the job's lease then expires and it runs again, so nothing is lost.
    func run() async {
        var failures = 0
        while true {
            let (batch, arrived, closed): ([FinishedJob], ContinuousClock.Instant, Bool)
            switch state.withLock({ $0.next(maxBatch: maxBatch, delay: delay) }) {
            case .finish: return
            case .idle:
                await wake.wait(timeout: .seconds(1))
                continue
            case .linger(let left):
                await wake.wait(timeout: left)
                continue
            case .flush(let taken, let arrival, let shuttingDown): (batch, arrived, closed) = (taken, arrival, shuttingDown)
            }
            do {
                let written = try await withDatabaseDeadline(Self.flushDeadline, "recording job outcomes") { [self] in
                    try await flushIsolatingRefusals(batch)
                }
                failures = 0
                // An outcome set aside for its hook is still to be written: not reported yet.
                onFlushed(batch.filter { !written.setAside.contains($0.id) }, written)
            } catch {
                failures += 1
                if closed && failures >= 5 {
                    logger.error("giving up recording \(batch.count) job outcomes at shutdown; their leases will expire and they will run again", metadata: ["error": "\(String(reflecting: error))"])
                    return
                }
                logger.warning("could not record \(batch.count) job outcomes, retrying", metadata: ["error": "\(ErrorSummary.oneLine(error))"])
                state.withLock { $0.putBack(batch, arrival: arrived) }
                try? await Task.sleep(for: .milliseconds(min(1000, 50 << min(failures, 7))))
            }
        }
    }

    /// Flushes `batch`; if the database refuses it for its data (a result or error it cannot
    /// store), flushes the outcomes one by one, so that the refused one cannot hold back those
    /// batched with it, and records that one without what was refused.
    private func flushIsolatingRefusals(_ batch: [FinishedJob]) async throws -> FlushedOutcomes {
        do {
            return try await flush(batch)
        } catch let failure as JobHookFailure where batch.count > 1 {
            // One job's hook must not hold back the others: they are recorded without it, and it
            // goes back to the end of the queue, to be tried again (alone, with backoff, if it
            // keeps failing).
            logger.error("a lifecycle hook failed; recording the other outcomes without that job, which is tried again", metadata: [
                "job_id": "\(failure.jobID)", "error": "\(failure)"])
            var written = try await flushIsolatingRefusals(batch.filter { $0.id != failure.jobID })
            state.withLock { state in
                state.pending.append(contentsOf: batch.filter { $0.id == failure.jobID })
                state.oldestArrival = state.oldestArrival ?? .now
            }
            written.setAside.insert(failure.jobID)
            return written
        } catch let error where DatabaseRefusal.reason(error) != nil && batch.count > 1 {
            var written = FlushedOutcomes()
            for job in batch {
                let one = try await flushIsolatingRefusals([job])
                written.formUnion(one)
            }
            return written
        } catch let error where DatabaseRefusal.reason(error) != nil {
            let reason = DatabaseRefusal.reason(error) ?? ""
            logger.error("the database refused a job's outcome; recording it without what was refused", metadata: [
                "job_id": "\(batch[0].id)", "error": "\(reason)"])
            do {
                return try await flush(batch.map { $0.storable(refusedWith: reason) })
            } catch let again where DatabaseRefusal.reason(again) != nil {
                // Refused even so: dropped, so that it cannot hold back every outcome after it;
                // its lease expires and the job runs again.
                logger.error("the database refused a job's outcome twice; dropping it (the job will run again)", metadata: [
                    "job_id": "\(batch[0].id)", "error": "\(DatabaseRefusal.reason(again) ?? "")"])
                return FlushedOutcomes()
            }
        }
    }

    /// Writes `batch` in one statement — inside a transaction with the lifecycle hooks when a
    /// job of the batch has one, so that what they record commits with the outcome or not at all.
    private func flush(_ batch: [FinishedJob]) async throws -> FlushedOutcomes {
        let columns = batch.map(\.columns)
        let query = JobSQL.record(
            workerID: workerID, ids: batch.map(\.id), attempts: batch.map(\.attempt),
            sequences: batch.map(\.checkpointSequence),
            states: columns.map(\.state), results: columns.map(\.result),
            errors: columns.map(\.error), delaysMs: columns.map(\.delayMs))
        guard batch.contains(where: { hooks.handles($0.kind) }) else {
            return try await client.withConnection { [self] in try await write(query, on: $0) }
        }
        return try await client.transaction(logger: logger) { [self] connection in
            let written = try await write(query, on: connection)
            try await hooks.run(batch.filter { written.accepted.contains($0.id) }.compactMap(\.end), on: connection)
            return written
        }
    }

    /// Runs the record statement; returns what it wrote.
    private func write(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> FlushedOutcomes {
        var written = FlushedOutcomes()
        for (id, lost) in try await RecordStatement(query: query).rows(on: connection, statements, logger: logger) {
            if lost { written.resumed.insert(id) } else { written.accepted.insert(id) }
        }
        return written
    }
}

/// What one flush wrote: the outcomes recorded, and the jobs made available again instead
/// because a database crash had lost part of their attempt's work. A job in neither had lost its
/// lease to a rescue, and its outcome was dropped.
struct FlushedOutcomes: Sendable {
    var accepted = Set<Int64>()
    var resumed = Set<Int64>()
    /// Outcomes put back to be written later: their job's lifecycle hook failed.
    var setAside = Set<Int64>()

    /// Adds what another flush wrote.
    mutating func formUnion(_ other: FlushedOutcomes) {
        accepted.formUnion(other.accepted)
        resumed.formUnion(other.resumed)
        setAside.formUnion(other.setAside)
    }
}
