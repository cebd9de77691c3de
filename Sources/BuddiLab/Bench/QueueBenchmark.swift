import PostgresResilience
import Foundation
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The no-op job the benchmark drains.
struct BenchNoopArgs: JobArgs {
    static let kind = "bench.noop"
}

/// What `buddi-lab bench queue` measured.
package struct QueueBenchReport: BenchReport, Codable, Sendable {
    var jobs: Int
    var workers: Int
    var batch: Int
    /// How long the workers let an outcome wait for others to be recorded with it.
    var completionDelayMs: Double
    var enqueueJobsPerSecond: Double
    var seconds: Double
    var jobsPerSecond: Double
    var completed: Int
    var duplicates: Int
    /// What the drain cost each job: the workers (this process) and the server.
    var drainCPU: CPUPerJob
    var pickupJobs: Int
    var pickupP50Ms: Double
    var pickupP95Ms: Double
    var pickupP99Ms: Double
    /// The same, from the enqueue's commit (its call returning) to the handler's start: the
    /// queue's own share (NOTIFY, wake-up, claim), without the caller's insert round trip.
    var pickupAfterCommitP50Ms: Double
    var pickupAfterCommitP99Ms: Double
    /// With `--baseline`: the raw-SQL loop's jobs/s on the same database in the same run, this
    /// engine's jobs/s over it, and the bare INSERT+COMMIT round trip's median.
    var baselineJobsPerSecond: Double?
    var ratioToBaseline: Double?
    var commitFloorP50Ms: Double?
    /// With `--baseline`: what the raw loop cost each job, its client and the server.
    var baselineCPU: CPUPerJob?
    /// With `--trace-ratio`: the sampling ratio the engine was traced at, and the export
    /// requests (and their bytes) its spans took to the sink.
    package var traceRatio: Double?
    package var traceExports: Int?
    package var traceExportBytes: Int?

    package var text: String {
        """
        enqueued \(jobs) jobs at \(Int(enqueueJobsPerSecond)) jobs/s
        drained with \(workers) workers, batch \(batch), completion delay \(completionDelayMs) ms: \(String(format: "%.2f", seconds)) s, \(Int(jobsPerSecond)) jobs/s
        completed \(completed), duplicates \(duplicates); \(drainCPU.text)
        pick-up latency over \(pickupJobs) sequential jobs: p50 \(String(format: "%.3f", pickupP50Ms)) ms, \
        p95 \(String(format: "%.3f", pickupP95Ms)) ms, p99 \(String(format: "%.3f", pickupP99Ms)) ms \
        (from the enqueue's commit: p50 \(String(format: "%.3f", pickupAfterCommitP50Ms)) ms, \
        p99 \(String(format: "%.3f", pickupAfterCommitP99Ms)) ms)
        """ + (baselineJobsPerSecond.map { baseline in
            "\nraw SQL baseline (claim 50 SKIP LOCKED, complete with = ANY, 4 connections): \(Int(baseline)) jobs/s; " +
            "ratio \(String(format: "%.2f", ratioToBaseline ?? 0)); INSERT+COMMIT round trip p50 \(String(format: "%.3f", commitFloorP50Ms ?? 0)) ms" +
            (baselineCPU.map { "\nraw SQL baseline's \($0.text)" } ?? "")
        } ?? "") + (traceRatio.map { ratio in
            "\ntraced at a sampling ratio of \(ratio): \(traceExports ?? 0) exports, \(traceExportBytes ?? 0) bytes"
        } ?? "")
    }

    enum CodingKeys: String, CodingKey {
        case jobs, workers, batch, seconds, completed, duplicates
        case completionDelayMs = "completion_delay_ms"
        case enqueueJobsPerSecond = "enqueue_jobs_per_second"
        case jobsPerSecond = "jobs_per_second"
        case pickupJobs = "pickup_jobs"
        case pickupP50Ms = "pickup_p50_ms"
        case pickupP95Ms = "pickup_p95_ms"
        case pickupP99Ms = "pickup_p99_ms"
        case pickupAfterCommitP50Ms = "pickup_after_commit_p50_ms"
        case pickupAfterCommitP99Ms = "pickup_after_commit_p99_ms"
        case baselineJobsPerSecond = "baseline_jobs_per_second"
        case ratioToBaseline = "ratio_to_baseline"
        case commitFloorP50Ms = "commit_floor_p50_ms"
        case drainCPU = "drain_cpu_per_job"
        case baselineCPU = "baseline_cpu_per_job"
        case traceRatio = "trace_ratio"
        case traceExports = "trace_exports"
        case traceExportBytes = "trace_export_bytes"
    }
}

/// Counts the handler runs per job id, and tells a waiter when a target is reached.
final class RunCounter: Sendable {
    private struct State {
        var seen = Set<Int64>()
        var duplicates = 0
        var target = Int.max
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func record(_ id: Int64) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if !state.seen.insert(id).inserted { state.duplicates += 1 }
            guard state.seen.count >= state.target, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    func wait(forDistinct target: Int) async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                if state.seen.count >= target { return true }
                state.target = target
                state.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    var duplicates: Int { state.withLock { $0.duplicates } }
    /// How many distinct jobs ran so far.
    var distinct: Int { state.withLock { $0.seen.count } }
}

/// The queue benchmark, on a queue of its own that it deletes afterwards.
package struct QueueBenchmark: Sendable {
    let client: DatabaseClient
    let logger: Logger
    let jobs: Int
    let workers: Int
    let batch: Int
    /// The workers' ``WorkerConfiguration/completionDelay``.
    let completionDelay: Duration
    let pickupJobs: Int
    /// Told, five times a second while the jobs drain, how many have run and how many there are.
    let progress: @Sendable (Int, Int) -> Void
    /// Whether to run the raw-SQL baseline too (``RawQueueBaseline``).
    let baseline: Bool

    /// `jobs` no-op jobs drained by `workers` workers claiming `batch` at a time, then the
    /// pick-up latency of `pickupJobs` jobs enqueued one by one.
    package init(
        client: DatabaseClient, logger: Logger, jobs: Int, workers: Int, batch: Int,
        completionDelay: Duration = WorkerConfiguration.defaultCompletionDelay, pickupJobs: Int, baseline: Bool = false,
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) {
        self.progress = progress
        self.baseline = baseline
        self.client = client
        self.logger = logger
        self.jobs = jobs
        self.workers = workers
        self.batch = batch
        self.completionDelay = completionDelay
        self.pickupJobs = pickupJobs
    }

    /// Measures on queues of its own, deleted afterwards whether the measurement succeeded or not.
    package func run() async throws -> QueueBenchReport {
        let queueName = "bench-\(UInt32.random(in: 0...UInt32.max))"
        let queue = JobQueue(client: client, logger: logger)
        let queues = [queueName, queueName + "-pickup"]
        do {
            let report = try await measure(queue: queue, queueName: queueName, pickupQueueName: queues[1])
            for name in queues { try await queue.purge(queue: name) }
            return report
        } catch {
            for name in queues { _ = try? await queue.purge(queue: name) }
            throw error
        }
    }

    /// Pick-up first, on an idle queue of a quiet database (after the drain, 100,000 dead row
    /// versions keep autovacuum busy and the drained queue's claim index full of dead entries for
    /// a while), then throughput, then the baseline.
    private func measure(queue: JobQueue, queueName: String, pickupQueueName: String) async throws -> QueueBenchReport {
        let (latencies, afterCommit) = try await measurePickup(queue: queue, queueName: pickupQueueName)

        let enqueueStart = ContinuousClock.now
        for start in stride(from: 0, to: jobs, by: 10_000) {
            let count = min(10_000, jobs - start)
            try await queue.enqueue(Array(repeating: NewJob(kind: BenchNoopArgs.kind, queue: queueName), count: count))
        }
        let enqueueSeconds = (ContinuousClock.now - enqueueStart).inSeconds

        let counter = RunCounter()
        var registry = JobRegistry()
        registry.register(BenchNoopArgs.self) { _, context in counter.record(context.jobID) }
        let drainStart = ContinuousClock.now
        let drainCPU = CPUSpan()
        try await runWorkers(count: workers, concurrency: batch * 2, registry: registry, queueName: queueName) { [jobs, progress] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await counter.wait(forDistinct: jobs) }
                group.addTask {
                    while !Task.isCancelled {
                        progress(counter.distinct, jobs)
                        try? await Task.sleep(for: .milliseconds(200))
                    }
                }
                await group.next()
                group.cancelAll()
            }
            progress(counter.distinct, jobs)
        }
        let seconds = (ContinuousClock.now - drainStart).inSeconds
        let drainCost = drainCPU.perJob(jobs)
        let completed = try await queue.counts(queue: queueName)[.completed] ?? 0

        let raw = baseline ? try await RawQueueBaseline(client: client, logger: logger, jobs: jobs).run(commitSamples: 1000) : nil
        return QueueBenchReport(
            jobs: jobs, workers: workers, batch: batch, completionDelayMs: completionDelay.inSeconds * 1000,
            enqueueJobsPerSecond: Double(jobs) / enqueueSeconds,
            seconds: seconds, jobsPerSecond: Double(jobs) / seconds, completed: completed,
            duplicates: counter.duplicates, drainCPU: drainCost, pickupJobs: pickupJobs,
            pickupP50Ms: Percentile.of(latencies, 0.50), pickupP95Ms: Percentile.of(latencies, 0.95),
            pickupP99Ms: Percentile.of(latencies, 0.99), pickupAfterCommitP50Ms: Percentile.of(afterCommit, 0.50),
            pickupAfterCommitP99Ms: Percentile.of(afterCommit, 0.99), baselineJobsPerSecond: raw?.jobsPerSecond,
            ratioToBaseline: raw.map { Double(jobs) / seconds / $0.jobsPerSecond }, commitFloorP50Ms: raw?.commitFloorP50Ms,
            baselineCPU: raw?.cpu)
    }

    /// Runs `count` workers on the bench queue until `until` returns.
    private func runWorkers(
        count: Int, concurrency: Int, registry: JobRegistry, queueName: String, until: @Sendable () async -> Void
    ) async throws {
        let services: [any Service] = (0..<count).map { index in
            JobWorker(
                client: client, registry: registry,
                configuration: WorkerConfiguration(
                    workerID: "\(WorkerConfiguration.defaultWorkerID())-bench\(index)", queues: [queueName],
                    concurrency: concurrency, claimBatchSize: batch, completionDelay: completionDelay),
                logger: logger)
        }
        try await withServicesRunning(services, logger: logger, until)
    }

    /// Enqueues jobs one at a time on an idle queue; each latency runs from just before the
    /// enqueue call (and from its return) to the handler's start, in milliseconds.
    private func measurePickup(queue: JobQueue, queueName: String) async throws -> (total: [Double], afterCommit: [Double]) {
        let (starts, startsContinuation) = AsyncStream.makeStream(of: ContinuousClock.Instant.self)
        var registry = JobRegistry()
        registry.register(BenchNoopArgs.self) { _, _ in startsContinuation.yield(.now) }
        let latencies = Mutex<(total: [Double], afterCommit: [Double])>(([], []))
        try await runWorkers(count: 1, concurrency: 1, registry: registry, queueName: queueName) {
            var iterator = starts.makeAsyncIterator()
            for _ in 0..<pickupJobs {
                let before = ContinuousClock.now
                guard (try? await queue.enqueue(NewJob(kind: BenchNoopArgs.kind, queue: queueName))) != nil else { return }
                let committed = ContinuousClock.now
                guard let started = await iterator.next() else { return }
                latencies.withLock {
                    $0.total.append((started - before).inSeconds * 1000)
                    $0.afterCommit.append((started - committed).inSeconds * 1000)
                }
            }
        }
        return latencies.withLock { $0 }
    }

}
