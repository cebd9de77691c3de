import BuddiPipeline
import BuddiSimulator
import BuddiTestSupport
import DatabaseTestSupport
import Foundation
import JobQueue
import PostgresNIO
import Testing

/// A test's world: its own database, the simulator in this process, and helpers to run real
/// `buddi` processes against both.
struct PipelineWorld {
    let db: TestDatabase
    let simulator: BuddiSimulator
    let apiURL: URL

    var environment: [String: String] {
        ["BUDDI_API_BASE_URL": apiURL.absoluteString, "BUDDI_API_KEY": "test-key", "BUDDI_API_REQUESTS_PER_SECOND": "1000"]
    }

    /// Runs `body` with a fresh database and a simulator of `memories` memories.
    static func with(
        memories: Int, arrivalRate: Double = 0, faults: FaultPlan = FaultPlan(), _ body: @Sendable (PipelineWorld) async throws -> Void
    ) async throws {
        let db = try await TestDatabase.make()
        defer { Task { await db.drop() } }
        let configuration = SimulatorConfiguration(
            port: 0, apiKey: "test-key", memoryCount: memories, arrivalRate: arrivalRate, faults: faults)
        try await BuddiSimulator.withRunning(configuration, logger: db.logger) { simulator, url in
            try await body(PipelineWorld(db: db, simulator: simulator, apiURL: url))
        }
    }

    /// Starts a `buddi worker` process, with `settings` added to its environment.
    func worker(_ extra: [String] = [], settings: [String: String] = [:]) throws -> BuddiProcess {
        try BuddiProcess(
            ["worker", "--concurrency", "4", "--poll-interval-ms", "200", "--retry-base-ms", "50"] + extra,
            databaseURL: db.url.redacted, environment: environment.merging(settings) { _, new in new })
    }

    /// Runs `buddi arguments…` to completion.
    func run(_ arguments: [String]) async throws -> (status: Int32?, output: String) {
        try await BuddiProcess.run(arguments, databaseURL: db.url.redacted, environment: environment)
    }

    /// Enqueues a fetch and waits for it to finish; returns its record.
    func fetch(max: Int = 100_000) async throws -> JobRecord {
        let queue = Pipeline.queue(client: db.client, logger: db.logger)
        let id = try await queue.enqueue(NewJob(FetchArgsForTests(maxConversations: max))).id
        _ = try await eventually(timeout: .seconds(120)) { try await queue.job(id: id)?.state.isFinished == true }
        return try #require(try await queue.job(id: id))
    }

    func count(_ query: PostgresQuery) async throws -> Int64 {
        try await db.scalar(query, as: Int64.self) ?? -1
    }

    /// Waits until `n` conversations are processed.
    func waitForProcessed(_ n: Int64, timeout: Duration = .seconds(180)) async throws -> Bool {
        try await eventually(timeout: timeout) {
            try await count("SELECT count(*) FROM conversations WHERE processing_state = 'processed'") >= n
        }
    }
}

/// The fetch job's arguments as the worker reads them.
struct FetchArgsForTests: JobArgs {
    static let kind = "fetch"
    var maxConversations: Int
}

/// A fetch job's result.
struct FetchOutcome: Decodable {
    var new: Int
    var duplicates: Int
    var memories_seen: Int
    var pages: Int

    init(_ record: JobRecord) throws {
        self = try JSONDecoder().decode(FetchOutcome.self, from: Data((record.resultJSON ?? "{}").utf8))
    }
}
