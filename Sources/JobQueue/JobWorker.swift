import Foundation
import Logging
import Tracing
import Metrics
import PostgresNIO
import ServiceLifecycle
import Synchronization
import PostgresResilience

/// A worker process's engine: claims jobs of its queues in batches, runs their handlers up to
/// its concurrency, records outcomes in batches, keeps its leases alive, and wakes on NOTIFY
/// (polling only as a fallback).
///
/// On graceful shutdown it stops claiming, lets running jobs finish within the grace period,
/// releases the rest back to `available` without counting the attempt, flushes every outcome,
/// and removes itself from `workers`.
public final class JobWorker: Service, Sendable {
    private let client: DatabaseClient
    private let configuration: WorkerConfiguration
    private let logger: Logger
    private let executor: JobExecutor
    private let running: RunningJobs
    private let completer: BatchCompleter
    private let wake: WakeSignal
    private let drained: WakeSignal
    private let shuttingDown = Atomic<Bool>(false)
    /// Set when the listener (re)connects, until the claim round that polls for what it missed.
    private let catchUpPending = Atomic<Bool>(false)

    /// A worker running `registry`'s handlers; call `run()` (or add it to a ServiceGroup after
    /// the client).
    public init(client: DatabaseClient, registry: JobRegistry, configuration: WorkerConfiguration, logger: Logger) {
        var logger = logger
        logger[metadataKey: "worker_id"] = "\(configuration.workerID)"
        self.client = client
        self.configuration = configuration
        self.logger = logger
        let (wake, drained) = (WakeSignal(), WakeSignal())
        self.wake = wake
        self.drained = drained
        self.running = RunningJobs(slotsFreed: wake, idle: drained)
        self.executor = JobExecutor(
            registry: registry, backoff: configuration.backoff,
            workerID: configuration.workerID, logger: logger)
        self.completer = BatchCompleter(
            client: client, workerID: configuration.workerID, hooks: registry.hooks,
            maxBatch: configuration.completionBatchSize, delay: configuration.completionDelay,
            statements: configuration.statements, logger: logger
        ) { [logger] batch, written in
            JobMetrics.recordFlushed(batch, written: written, logger: logger)
        }
    }

    /// Runs until graceful shutdown (or cancellation), then drains as described above.
    public func run() async throws {
        try configuration.validate()
        let heartbeat = WorkerHeartbeat(client: client, configuration: configuration, running: running, logger: logger)
        try await heartbeat.register()
        logger.info("worker started", metadata: [
            "queues": "\(configuration.queues.joined(separator: ","))", "concurrency": "\(configuration.concurrency)",
        ])
        let listener = QueueListener(
            client: client, logger: logger,
            onConnected: { [weak self] in self?.listenerConnected() },
            onNotification: { [weak self] payload in self?.handleNotification(payload) })
        let (stopBackground, stopBackgroundContinuation) = AsyncStream.makeStream(of: Void.self)

        // Not a child either: the deadlines hold while running jobs drain after a cancellation.
        let deadlines = Task { await self.running.watchDeadlines() }
        await withTaskGroup(of: Void.self) { group in
            // Not a child of this task: cancelling the worker must not cancel the completer, whose
            // waits would then return at once and spin while running jobs drain; `close()` ends it.
            group.addTask { await Task { await self.completer.run() }.value }
            group.addTask {
                await withTaskGroup(of: Void.self) { background in
                    if self.configuration.listens { background.addTask { await listener.run() } }
                    background.addTask { await heartbeat.run() }
                    for await _ in stopBackground {}
                    background.cancelAll()
                }
            }
            await withTaskCancellationHandler {
                await withGracefulShutdownHandler {
                    await self.produce()
                } onGracefulShutdown: {
                    self.beginShutdown()
                }
            } onCancel: {
                self.beginShutdown()
            }
            await self.drain()
            deadlines.cancel()
            self.completer.close()
            stopBackgroundContinuation.finish()
        }
        await heartbeat.deregister()
        logger.info("worker stopped")
    }

    private func beginShutdown() {
        shuttingDown.store(true, ordering: .relaxed)
        wake.signal()
    }

    /// The listener is listening: poll once for what was enqueued while nothing listened.
    private func listenerConnected() {
        catchUpPending.store(true, ordering: .releasing)
        wake.signal()
    }

    private func handleNotification(_ payload: String) {
        switch QueueNotification(payload: payload) {
        case .inserted(let queue) where configuration.queues.contains(queue): wake.signal()
        case .cancelRequested(let id): running.stop(id: id, reason: .cancelledByOperator)
        case .inserted, nil: break
        }
    }

    // MARK: Claiming

    private func produce() async {
        var queueOffset = 0
        var failures = 0
        var lastClaim = ContinuousClock.now - configuration.claimCooldown
        while !shuttingDown.load(ordering: .relaxed) {
            // Right after a claim, wait a moment for a full claim's worth of slots rather than
            // claim one by one; after that, claim for whatever is free.
            let cooling = configuration.claimCooldown - (ContinuousClock.now - lastClaim)
            let enough = cooling > .zero ? configuration.fullClaim : 1
            let free = running.freeSlots(concurrency: configuration.concurrency, wanted: enough)
            if free < enough {
                await wake.wait(timeout: cooling > .zero ? cooling : configuration.pollInterval)
                continue
            }
            let wanted = min(free, configuration.claimBatchSize)
            var claimed = 0
            lastClaim = .now
            let catchingUp = catchUpPending.exchange(false, ordering: .acquiringAndReleasing)
            do {
                for index in configuration.queues.indices where claimed < wanted {
                    let queue = configuration.queues[(index + queueOffset) % configuration.queues.count]
                    claimed += try await claim(from: queue, limit: wanted - claimed)
                }
                queueOffset += 1
                failures = 0
                if catchingUp { configuration.testSignals?.caughtUp.raise() }
            } catch {
                if catchingUp { catchUpPending.store(true, ordering: .releasing) }
                failures += 1
                logger.warning("could not claim jobs; retrying", metadata: ["error": "\(ErrorSummary.oneLine(error))"])
                // Short: the database may be back any moment, and work should resume within seconds.
                await wake.wait(timeout: min(configuration.pollInterval * failures, .seconds(2)))
                continue
            }
            // A full batch means more may be waiting: claim again at once.
            if claimed < wanted { await wake.wait(timeout: configuration.pollInterval) }
        }
    }

    /// A job's own timeout: at most ``JobLimits/longestTimeout``; nil (the kind's) for what is
    /// not a positive finite number (the column's CHECK lets 'infinity' and 'NaN' through).
    static func timeout(seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds > 0 else { return nil }
        return .milliseconds(Int64((min(seconds, JobLimits.longestTimeout.inSeconds) * 1000).rounded()))
    }

    /// Claims and starts up to `limit` jobs of `queue`; returns how many. Bounded by the lease:
    /// a claim that has not answered by then is given up (if it did commit, its jobs' leases
    /// expire unrenewed and they are rescued).
    private func claim(from queue: String, limit: Int) async throws -> Int {
        let query = JobSQL.claim(
            queue: queue, limit: limit, workerID: configuration.workerID,
            leaseSeconds: configuration.leaseDuration.inSeconds)
        let (client, logger, mode) = (client, logger, configuration.statements)
        let jobs = try await withDatabaseDeadline(configuration.leaseDuration / 2, "claiming jobs") {
            let rows = try await ClaimStatement(query: query).rows(on: client, mode, logger: logger)
            return rows.map { id, kind, queue, args, attempt, maxAttempts, progress, checkpoints, resumes, timeout, trace, age in
                ClaimedJob(
                    id: id, kind: kind, queue: queue, argsJSON: args, attempt: attempt, maxAttempts: maxAttempts,
                    progressJSON: progress, checkpointSequence: checkpoints, resumes: resumes,
                    timeout: timeout.flatMap(Self.timeout(seconds:)), traceContext: trace, enqueuedSecondsAgo: age)
            }
        }
        jobs.forEach(start)
        return jobs.count
    }

    private func start(_ job: ClaimedJob) {
        let started = ContinuousClock.now
        let span = JobSpans.start(job)
        let began = running.start(
            id: job.id, attempt: job.attempt, deadline: started + executor.timeout(of: job),
            onStop: { [self] reason in
                // Not a success, so the checkpoints its attempt saw do not matter (they fence successes only).
                record(job, outcome: executor.outcome(of: job, stoppedFor: reason), checkpointSequence: 0, started: started, span: span)
            }
        ) { [self] token in
            let checkpoints = CheckpointSequence(job.checkpointSequence)
            let end = if let span {
                await ServiceContext.$current.withValue(span.context) { await executor.run(job, checkpoints: checkpoints) }
            } else {
                await executor.run(job, checkpoints: checkpoints)
            }
            // Stopped meanwhile: the stop recorded the attempt's outcome and ended its span. Or
            // replaced by a later claim of the job: its outcome is dropped, its span ended here.
            guard running.finish(id: job.id, token: token) else { return JobSpans.end(span, outcome: nil) }
            record(job, outcome: executor.outcome(of: job, ended: end), checkpointSequence: checkpoints.expected, started: started, span: span)
            running.settle()
        }
        if !began {
            span?.end()
            // The same attempt claimed twice: a crash undid the first claim's commit after it
            // reached us, and this worker claimed the job again. It is already running here.
            logger.warning("claimed a job this worker already runs; left to its running attempt", metadata: ["job_id": "\(job.id)"])
        }
    }

    /// Queues the outcome of an attempt that ended (nil: its lease was lost, nothing to write).
    private func record(
        _ job: ClaimedJob, outcome: JobOutcome?, checkpointSequence: Int32, started: ContinuousClock.Instant, span: (any Span)?
    ) {
        JobSpans.end(span, outcome: outcome)
        guard let outcome else { return }
        JobMetrics.recordRun(job, outcome: outcome, duration: ContinuousClock.now - started)
        completer.add(FinishedJob(
            id: job.id, kind: job.kind, queue: job.queue, attempt: job.attempt, checkpointSequence: checkpointSequence,
            outcome: outcome))
    }

    // MARK: Shutdown

    private func drain() async {
        let deadline = ContinuousClock.now + configuration.shutdownGrace
        if running.count > 0 {
            logger.info("waiting for running jobs to finish", metadata: ["running": "\(running.count)"])
        }
        while running.count > 0, ContinuousClock.now < deadline {
            await drained.wait(timeout: deadline - ContinuousClock.now)
        }
        guard running.count > 0 else { return }
        logger.warning("grace period over; releasing running jobs", metadata: ["running": "\(running.count)"])
        // Each stopped attempt is released at once, whether its handler honours the cancellation or not.
        running.stopAll(reason: .shutdown)
        // One the watcher or an operator stopped just before is queued in a moment.
        while running.count > 0 { await drained.wait(timeout: .milliseconds(100)) }
    }
}
