import PostgresResilience
import BuddiPipeline
import BuddiAPI
import PostgresServer
import BuddiLedger
import BuddiSimulator
import Foundation
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// What `buddi-lab bench ingest` measured.
package struct IngestBenchReport: BenchReport, Codable, Sendable {
    var memories: Int
    var workers: Int
    var stored: Int
    var processed: Int
    var duplicates: Int
    var fetchSeconds: Double
    var totalSeconds: Double
    var conversationsPerSecond: Double
    /// Time per stage: the fetch's waits on the API (overlapped with storing) and its store
    /// transactions; process jobs (none, unless something stored conversations pending), their
    /// summed run time and the span from the first one's start to the last one's end.
    var stages: Stages
    /// Where the work ran, and the CPU seconds it cost while it did: the worker processes' (when
    /// the workers ran as `buddi worker` processes), PostgreSQL's, and this process's (the
    /// simulator and the clock), with each one's share of the three.
    var cpu: CPU
    /// The worker processes' peak RSS (the largest), when they ran as processes.
    var workerPeakRSSMB: Double?
    /// WAL the server wrote per conversation stored (its WAL position before and after).
    var walBytesPerConversation: Double
    /// CPU per conversation stored: the workers' (this process's when they ran in it) and
    /// PostgreSQL's.
    var cpuPerConversation: CPUPerConversation

    struct CPUPerConversation: Codable, Sendable {
        var workerUs: Double
        var postgresUs: Double

        enum CodingKeys: String, CodingKey {
            case workerUs = "worker_us"
            case postgresUs = "postgres_us"
        }
    }

    struct CPU: Codable, Sendable {
        var workerProcesses: Bool
        var workerSeconds: Double?
        var postgresSeconds: Double
        var benchSeconds: Double
        var workerShare: Double?
        var postgresShare: Double

        enum CodingKeys: String, CodingKey {
            case workerProcesses = "worker_processes"
            case workerSeconds = "worker_cpu_seconds"
            case postgresSeconds = "postgres_cpu_seconds"
            case benchSeconds = "bench_cpu_seconds"
            case workerShare = "worker_cpu_share"
            case postgresShare = "postgres_cpu_share"
        }
    }

    struct Stages: Codable, Sendable {
        var fetchApiSeconds: Double
        var fetchStoreSeconds: Double
        var processJobs: Int
        var processBusySeconds: Double
        var processSpanSeconds: Double

        enum CodingKeys: String, CodingKey {
            case fetchApiSeconds = "fetch_api_seconds"
            case fetchStoreSeconds = "fetch_store_seconds"
            case processJobs = "process_jobs"
            case processBusySeconds = "process_busy_seconds"
            case processSpanSeconds = "process_span_seconds"
        }
    }

    package var text: String {
        """
        \(memories) memories, \(workers) worker(s): stored \(stored), processed \(processed), duplicates \(duplicates)
        fetch (API → drafted: analytics, Merkle root → stored complete, anchored, minted): \(seconds(fetchSeconds)) — API \(seconds(stages.fetchApiSeconds)), store \(seconds(stages.fetchStoreSeconds))
        process jobs (only for what 0.1.0 left pending): \(stages.processJobs)
        all processed: \(seconds(totalSeconds))
        \(Int(conversationsPerSecond)) conversations/s
        CPU: \(cpu.workerSeconds.map { "worker process(es) \(seconds($0)) (\(Int((cpu.workerShare ?? 0) * 100))%), peak RSS \(String(format: "%.1f", workerPeakRSSMB ?? 0)) MB; " } ?? "workers in this process; ")\
        PostgreSQL \(seconds(cpu.postgresSeconds)) (\(Int(cpu.postgresShare * 100))%), this process \(seconds(cpu.benchSeconds))
        per conversation: WAL \(Int(walBytesPerConversation.rounded())) bytes; CPU worker \(Int(cpuPerConversation.workerUs.rounded())) µs, \
        PostgreSQL \(Int(cpuPerConversation.postgresUs.rounded())) µs
        """
    }

    private func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }

    enum CodingKeys: String, CodingKey {
        case memories, workers, stored, processed, duplicates, stages
        case workerPeakRSSMB = "worker_peak_rss_mb"
        case cpu
        case walBytesPerConversation = "wal_bytes_per_conversation"
        case cpuPerConversation = "cpu_per_conversation"
        case fetchSeconds = "fetch_seconds"
        case totalSeconds = "total_seconds"
        case conversationsPerSecond = "conversations_per_second"
    }
}

/// The ingest benchmark, in a scratch database it drops afterwards.
package struct IngestBenchmark: Sendable {
    let serverURL: DatabaseURL
    let logger: Logger
    let memories: Int
    let workers: Int
    let concurrency: Int
    /// The `buddi` executable whose `worker` command runs the workers, each a process of its own
    /// as in production; nil runs them in this process.
    let workerExecutable: String?

    /// `memories` memories from the simulator, fetched and processed by `workers` workers of
    /// `concurrency` each, in a scratch database on the server of `serverURL`.
    package init(serverURL: DatabaseURL, logger: Logger, memories: Int, workers: Int, concurrency: Int, workerExecutable: String? = nil) {
        self.workerExecutable = workerExecutable
        self.serverURL = serverURL
        self.logger = logger
        self.memories = memories
        self.workers = workers
        self.concurrency = concurrency
    }

    /// Measures, then drops the scratch database.
    package func run() async throws -> IngestBenchReport {
        try await ScratchDatabase.with(prefix: "buddi_bench", on: serverURL, logger: logger) { try await measure(in: $0) }
    }

    private func measure(in database: DatabaseURL) async throws -> IngestBenchReport {
        let client = DatabaseClient(configuration: database.clientConfiguration, backgroundLogger: logger)
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
                    try await drain(client: client, api: api, database: database, apiBaseURL: baseURL.absoluteString)
                }
            }
        }
    }

    private func drain(client: DatabaseClient, api: BuddiAPIClient, database: DatabaseURL, apiBaseURL: String) async throws -> IngestBenchReport {
        let queue = Pipeline.queue(client: client, logger: logger)
        let processes = try workerExecutable.map { try WorkerProcesses(
            executable: $0, count: workers, concurrency: concurrency, database: database, apiBaseURL: apiBaseURL) }
        defer { processes?.stop() }
        if let processes { try await processes.waitUntilRegistered(client: client, logger: logger) }
        var registry = JobRegistry()
        Pipeline.register(into: &registry, client: client, api: api, ledger: PostgresLedger(client: client, logger: logger), logger: logger)
        let services: [any Service] = processes != nil ? [] : (0..<workers).map { index in
            JobWorker(
                client: client, registry: registry,
                configuration: WorkerConfiguration(
                    workerID: "\(WorkerConfiguration.defaultWorkerID())-ingest\(index)", concurrency: concurrency,
                    claimBatchSize: concurrency, pollInterval: .milliseconds(100)),
                logger: logger)
        }
        let walBefore = try await walPosition(client: client)
        let cpuSpan = CPUSpan()
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
                if fetchEnd.withLock({ $0 != nil }), try await queue.unfinishedCount() == 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let total = (ContinuousClock.now - start).inSeconds
        let usage = processes?.usage()
        let (bench, postgres, _) = cpuSpan.spent()
        let walBytes = try await walBytes(since: walBefore, client: client)
        let spent = postgres + bench + (usage?.cpuSeconds ?? 0)
        let cpu = IngestBenchReport.CPU(
            workerProcesses: processes != nil, workerSeconds: usage?.cpuSeconds,
            postgresSeconds: postgres, benchSeconds: bench, workerShare: usage.map { $0.cpuSeconds / spent },
            postgresShare: postgres / spent)
        let result = try await queue.job(id: fetchJob.id)
        let fetch = try result?.resultJSON.map { try JSONDecoder().decode(FetchResult.self, from: Data($0.utf8)) }
        let conversations = try await ClusterStatus.ConversationCounts.read(client: client, logger: logger, exactly: true)
        let stored = Double(max(conversations.total, 1))
        return IngestBenchReport(
            memories: memories, workers: workers, stored: conversations.total, processed: conversations.processed,
            duplicates: fetch?.duplicates ?? -1,
            fetchSeconds: ((fetchEnd.withLock { $0 } ?? .now) - start).inSeconds, totalSeconds: total,
            conversationsPerSecond: Double(conversations.total) / total,
            stages: try await stages(fetch: fetch, queue: queue), cpu: cpu, workerPeakRSSMB: usage?.peakRSSMB,
            walBytesPerConversation: walBytes / stored,
            cpuPerConversation: .init(workerUs: (usage?.cpuSeconds ?? bench) / stored * 1e6, postgresUs: postgres / stored * 1e6))
    }

    /// The server's WAL insert position.
    private func walPosition(client: DatabaseClient) async throws -> String {
        try await client.query("SELECT pg_current_wal_insert_lsn()::text", logger: logger).decode(String.self).first { _ in true } ?? "0/0"
    }

    /// WAL bytes written since `position`.
    private func walBytes(since position: String, client: DatabaseClient) async throws -> Double {
        try await client.query("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), \(position)::pg_lsn)::float8", logger: logger)
            .decode(Double.self).first { _ in true } ?? 0
    }

    private func stages(fetch: FetchResult?, queue: JobQueue) async throws -> IngestBenchReport.Stages {
        let process = try await queue.runStatistics(kind: ProcessArgs.kind)
        return IngestBenchReport.Stages(
            fetchApiSeconds: fetch?.api_seconds ?? 0, fetchStoreSeconds: fetch?.store_seconds ?? 0, processJobs: process.jobs,
            processBusySeconds: process.busySeconds, processSpanSeconds: process.spanSeconds)
    }
}
