import PostgresResilience
import BuddiMigrations
import BuddiAPI
import PostgresServer
import BuddiLedger
import BuddiPipeline
import BuddiSimulator
import Foundation
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// What `buddi bench ingest` measured.
struct IngestBenchReport: BenchReport, Codable, Sendable {
    var memories: Int
    var workers: Int
    var stored: Int
    var processed: Int
    var duplicates: Int
    var fetch_seconds: Double
    var total_seconds: Double
    var conversations_per_second: Double
    /// Time per stage: the fetch's waits on the API (overlapped with storing) and its store
    /// transactions; the process jobs' summed run time (they run side by side) and the span from
    /// the first one's start to the last one's end.
    var stages: Stages

    struct Stages: Codable, Sendable {
        var fetch_api_seconds: Double
        var fetch_store_seconds: Double
        var process_jobs: Int
        var process_busy_seconds: Double
        var process_span_seconds: Double
    }

    var text: String {
        """
        \(memories) memories, \(workers) worker(s): stored \(stored), processed \(processed), duplicates \(duplicates)
        fetch (API → stored, process jobs enqueued): \(seconds(fetch_seconds)) — API \(seconds(stages.fetch_api_seconds)), store \(seconds(stages.fetch_store_seconds))
        process (analytics, Merkle root, anchor, token): \(stages.process_jobs) jobs, busy \(seconds(stages.process_busy_seconds)), from first start to last end \(seconds(stages.process_span_seconds))
        all processed: \(seconds(total_seconds))
        \(Int(conversations_per_second)) conversations/s
        """
    }

    private func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }
}

/// The ingest benchmark, in a scratch database it drops afterwards.
struct IngestBenchmark {
    let serverURL: DatabaseURL
    let logger: Logger
    let memories: Int
    let workers: Int
    let concurrency: Int

    func run() async throws -> IngestBenchReport {
        try await ScratchDatabase.with(prefix: "buddi_bench", on: serverURL, logger: logger) { try await measure(in: $0) }
    }

    private func measure(in database: DatabaseURL) async throws -> IngestBenchReport {
        let client = PostgresClient(configuration: database.clientConfiguration, backgroundLogger: logger)
        let simulator = SimulatorConfiguration(port: 0, apiKey: "bench", memoryCount: memories)
        return try await withServicesRunning(client: client, logger: logger) {
            try await BuddiSchema.migrator(client: client, logger: logger).migrate()
            return try await BuddiSimulator.withRunning(simulator, logger: logger) { simulator, baseURL in
                // The simulator stands in for the Buddi API on another machine: its pages are
                // rendered before the clock starts, so they do not eat the CPU buddi is timed on.
                await simulator.renderMemories()
                let configuration = BuddiAPIConfiguration(
                    baseURL: baseURL, apiKey: BuddiAPIKey("bench"), requestsPerSecond: 100_000, burst: 1000)
                return try await BuddiAPIClient.withClient(configuration: configuration, logger: logger) { api in
                    try await drain(client: client, api: api)
                }
            }
        }
    }

    private func drain(client: PostgresClient, api: BuddiAPIClient) async throws -> IngestBenchReport {
        var registry = JobRegistry()
        Pipeline.register(into: &registry, client: client, api: api, ledger: PostgresLedger(client: client, logger: logger), logger: logger)
        let services: [any Service] = (0..<workers).map { index in
            JobWorker(
                client: client, registry: registry,
                configuration: WorkerConfiguration(
                    workerID: "\(WorkerConfiguration.defaultWorkerID())-ingest\(index)", concurrency: concurrency,
                    claimBatchSize: concurrency, pollInterval: .milliseconds(100)),
                logger: logger)
        }
        let queue = Pipeline.queue(client: client, logger: logger)
        let start = ContinuousClock.now
        let fetchEnd = Mutex<ContinuousClock.Instant?>(nil)
        let fetchJob = try await queue.enqueue(NewJob(FetchArgs(maxConversations: memories)))
        // Done when the fetch has finished and no job is left: a look at the jobs table's partial
        // indexes, not a count over conversations (which would load the server it measures).
        try await withServicesRunning(services, logger: logger) {
            while true {
                if fetchEnd.withLock({ $0 == nil }), try await queue.job(id: fetchJob.id)?.state.isFinished == true {
                    fetchEnd.withLock { $0 = .now }
                }
                if fetchEnd.withLock({ $0 != nil }), try await count(Self.unfinishedJobs, in: client) == 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let total = (ContinuousClock.now - start).inSeconds
        let result = try await queue.job(id: fetchJob.id)
        let fetch = try result?.resultJSON.map { try JSONDecoder().decode(FetchResult.self, from: Data($0.utf8)) }
        let stored = try await count("SELECT count(*) FROM conversations", in: client)
        return IngestBenchReport(
            memories: memories, workers: workers, stored: stored, processed: try await count(processedIn: client),
            duplicates: fetch?.duplicates ?? -1,
            fetch_seconds: ((fetchEnd.withLock { $0 } ?? .now) - start).inSeconds, total_seconds: total,
            conversations_per_second: Double(stored) / total,
            stages: try await stages(fetch: fetch, client: client))
    }

    private func stages(fetch: FetchResult?, client: PostgresClient) async throws -> IngestBenchReport.Stages {
        let query: PostgresQuery = """
            SELECT count(*), COALESCE(sum(EXTRACT(EPOCH FROM finished_at - started_at)), 0)::float8,
                   COALESCE(EXTRACT(EPOCH FROM max(finished_at) - min(started_at)), 0)::float8
            FROM jobs WHERE kind = 'process'
            """
        var stages = IngestBenchReport.Stages(
            fetch_api_seconds: fetch?.api_seconds ?? 0, fetch_store_seconds: fetch?.store_seconds ?? 0, process_jobs: 0,
            process_busy_seconds: 0, process_span_seconds: 0)
        for try await (jobs, busy, span) in try await client.query(query, logger: logger).decode((Int64, Double, Double).self) {
            stages.process_jobs = Int(jobs)
            stages.process_busy_seconds = busy
            stages.process_span_seconds = span
        }
        return stages
    }

    private static let unfinishedJobs: PostgresQuery = """
        SELECT (SELECT count(*) FROM jobs WHERE state IN ('available', 'retryable'))
             + (SELECT count(*) FROM jobs WHERE state = 'running')
        """

    private func count(processedIn client: PostgresClient) async throws -> Int {
        try await count("SELECT count(*) FROM conversations WHERE processing_state = 'processed'", in: client)
    }

    private func count(_ query: PostgresQuery, in client: PostgresClient) async throws -> Int {
        for try await count in try await client.query(query, logger: logger).decode(Int64.self) { return Int(count) }
        return 0
    }
}
