import BuddiPipeline
import Foundation
import JobQueue
import Logging
import PostgresNIO
import PostgresResilience
import PostgresServer
import ServiceLifecycle
import Synchronization

/// The job the soak enqueues: when it was enqueued, so its handler knows its pick-up latency.
struct SoakJobArgs: JobArgs {
    static let kind = "bench.soak"
    var enqueuedAt: Double
}

/// `buddi-lab bench soak`: a steady rate of no-op jobs enqueued and drained for a while, with
/// maintenance (lease rescue and pruning, completed jobs kept `retention`) running as in
/// production, in a scratch database it drops afterwards. Every `sampleInterval` it samples the
/// throughput, the pick-up p99, the jobs table's and its indexes' size, dead tuples and
/// autovacuum runs: the sizes must level off.
package struct SoakBenchmark: Sendable {
    let serverURL: DatabaseURL
    let logger: Logger
    let duration: Duration
    /// Jobs per second; nil measures the maximum first (a 5,000-job drain) and takes half.
    let rate: Int?
    let workers: Int
    let batch: Int
    let sampleInterval: Duration
    let retention: Duration
    let progress: @Sendable (Int, Int) -> Void

    package init(
        serverURL: DatabaseURL, logger: Logger, duration: Duration, rate: Int?, workers: Int = 4, batch: Int = 100,
        sampleInterval: Duration = .seconds(10), retention: Duration = .seconds(60),
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) {
        self.serverURL = serverURL
        self.logger = logger
        self.duration = duration
        self.rate = rate
        self.workers = workers
        self.batch = batch
        self.sampleInterval = sampleInterval
        self.retention = retention
        self.progress = progress
    }

    /// Soaks, then drops the scratch database.
    package func run() async throws -> SoakBenchReport {
        try await ScratchDatabase.with(prefix: "buddi_soak", on: serverURL, logger: logger) { database in
            let client = DatabaseClient(configuration: database.clientConfiguration, backgroundLogger: logger)
            return try await withServicesRunning(client: client, logger: logger) {
                try await BuddiSchema.migrator(client: client, logger: logger).migrate()
                var rate = self.rate ?? 0
                if self.rate == nil { rate = try await Self.halfOfMaximum(client: client, logger: logger, workers: workers, batch: batch) }
                return try await soak(client: client, rate: max(1, rate))
            }
        }
    }

    private static func halfOfMaximum(client: DatabaseClient, logger: Logger, workers: Int, batch: Int) async throws -> Int {
        let maximum = try await QueueBenchmark(client: client, logger: logger, jobs: 5000, workers: workers, batch: batch, pickupJobs: 20).run()
        return Int(maximum.jobsPerSecond / 2)
    }

    private func soak(client: DatabaseClient, rate: Int) async throws -> SoakBenchReport {
        let queueName = "soak"
        let window = Mutex<(completed: Int, latencies: [Double])>((0, []))
        var registry = JobRegistry()
        registry.register(SoakJobArgs.self) { args, _ in
            let latency = (Date().timeIntervalSince1970 - args.enqueuedAt) * 1000
            window.withLock { $0.completed += 1; $0.latencies.append(latency) }
        }
        let services: [any Service] = (0..<workers).map { index in
            JobWorker(
                client: client, registry: registry,
                configuration: WorkerConfiguration(
                    workerID: "\(WorkerConfiguration.defaultWorkerID())-soak\(index)", queues: [queueName],
                    concurrency: batch * 2, claimBatchSize: batch),
                logger: logger)
        } + [QueueMaintainer(client: client, configuration: .init(retention: RetentionPolicy(completed: retention)), logger: logger)]
        let queue = JobQueue(client: client, logger: logger)
        let total = Int(duration.inSeconds / sampleInterval.inSeconds)
        let samples = try await withServicesRunning(services, logger: logger) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await Self.enqueue(rate: rate, queue: queue, queueName: queueName, for: duration) }
                var samples: [SoakBenchReport.Sample] = []
                let start = ContinuousClock.now
                for index in 1...max(total, 1) {
                    try await Task.sleep(until: start + sampleInterval * index)
                    let (completed, latencies) = window.withLock { current in
                        defer { current = (0, []) }
                        return current
                    }
                    var sample = try await Self.tableFigures(client: client, logger: logger)
                    sample.seconds = (ContinuousClock.now - start).inSeconds
                    sample.jobsPerSecond = Double(completed) / sampleInterval.inSeconds
                    sample.pickupP99Ms = Percentile.of(latencies, 0.99)
                    samples.append(sample)
                    progress(index, total)
                }
                try await group.waitForAll()
                return samples
            }
        }
        return SoakBenchReport(rate: rate, workers: workers, retentionSeconds: retention.inSeconds, samples: samples)
    }

    /// Enqueues `rate` jobs a second, ten batches a second, keeping to the schedule.
    private static func enqueue(rate: Int, queue: JobQueue, queueName: String, for duration: Duration) async throws {
        let start = ContinuousClock.now
        var sent = 0
        while ContinuousClock.now - start < duration {
            let due = Int(Double(rate) * (ContinuousClock.now - start).inSeconds)
            if due > sent {
                let now = Date().timeIntervalSince1970
                let args = String(decoding: try JSONEncoder().encode(SoakJobArgs(enqueuedAt: now)), as: UTF8.self)
                try await queue.enqueue(Array(repeating: NewJob(kind: SoakJobArgs.kind, argsJSON: args, queue: queueName), count: due - sent))
                sent = due
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private static func tableFigures(client: DatabaseClient, logger: Logger) async throws -> SoakBenchReport.Sample {
        let rows = try await client.query("""
            SELECT pg_relation_size('jobs'), pg_indexes_size('jobs'), n_live_tup, n_dead_tup, autovacuum_count
            FROM pg_stat_user_tables WHERE relname = 'jobs'
            """, logger: logger)
        for try await (table, indexes, live, dead, autovacuums) in rows.decode((Int64, Int64, Int64, Int64, Int64).self) {
            return SoakBenchReport.Sample(
                tableMB: Double(table) / 1_048_576, indexesMB: Double(indexes) / 1_048_576, liveTuples: Int(live),
                deadTuples: Int(dead), autovacuums: Int(autovacuums))
        }
        return SoakBenchReport.Sample()
    }
}

/// What `buddi-lab bench soak` sampled.
package struct SoakBenchReport: BenchReport, Sendable {
    /// One sample.
    package struct Sample: Encodable, Sendable {
        var seconds = 0.0
        var jobsPerSecond = 0.0
        var pickupP99Ms = 0.0
        var tableMB = 0.0
        var indexesMB = 0.0
        var liveTuples = 0
        var deadTuples = 0
        var autovacuums = 0

        enum CodingKeys: String, CodingKey {
            case seconds
            case jobsPerSecond = "jobs_per_second"
            case pickupP99Ms = "pickup_p99_ms"
            case tableMB = "table_mb"
            case indexesMB = "indexes_mb"
            case liveTuples = "live_tuples"
            case deadTuples = "dead_tuples"
            case autovacuums
        }
    }

    var rate: Int
    var workers: Int
    var retentionSeconds: Double
    var samples: [Sample]

    /// Whether the table and its indexes stopped growing: their largest size in the last third
    /// of the samples is within 25 % of the largest in the middle third.
    var levelledOff: Bool {
        let third = samples.count / 3
        guard third > 0 else { return false }
        let size = { (slice: ArraySlice<Sample>) in slice.map { $0.tableMB + $0.indexesMB }.max() ?? 0 }
        return size(samples.suffix(third)) <= size(samples.dropFirst(third).prefix(third)) * 1.25 + 0.5
    }

    package var text: String {
        let lines = samples.map { sample in
            String(format: "%6.0f s  %8.0f jobs/s  p99 %7.2f ms  table %7.2f MB  indexes %7.2f MB  live %7d  dead %7d  autovacuums %d",
                   sample.seconds, sample.jobsPerSecond, sample.pickupP99Ms, sample.tableMB, sample.indexesMB,
                   sample.liveTuples, sample.deadTuples, sample.autovacuums)
        }
        return """
            soak at \(rate) jobs/s, \(workers) workers, completed jobs kept \(Int(retentionSeconds)) s
            \(lines.joined(separator: "\n"))
            sizes \(levelledOff ? "levelled off" : "still growing")
            """
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rate, forKey: .rate)
        try container.encode(workers, forKey: .workers)
        try container.encode(retentionSeconds, forKey: .retentionSeconds)
        try container.encode(samples, forKey: .samples)
        try container.encode(levelledOff, forKey: .levelledOff)
    }

    enum CodingKeys: String, CodingKey {
        case rate, workers, samples
        case retentionSeconds = "retention_seconds"
        case levelledOff = "levelled_off"
    }

    init(rate: Int, workers: Int, retentionSeconds: Double, samples: [Sample]) {
        self.rate = rate
        self.workers = workers
        self.retentionSeconds = retentionSeconds
        self.samples = samples
    }
}
