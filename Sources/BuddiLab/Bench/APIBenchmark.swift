import AsyncHTTPClient
import BuddiPipeline
import BuddiHTTP
import Foundation
import Logging
import NIOCore
import PostgresNIO
import PostgresResilience
import PostgresServer

/// What `buddi-lab bench api` measured.
package struct APIBenchReport: BenchReport, Codable, Sendable {
    /// One read's timings.
    package struct Timing: Codable, Sendable {
        var name: String
        var p50Ms: Double
        var p95Ms: Double
        var maxMs: Double

        enum CodingKeys: String, CodingKey {
            case name
            case p50Ms = "p50_ms"
            case p95Ms = "p95_ms"
            case maxMs = "max_ms"
        }
    }

    var conversations: Int
    var jobs: Int
    var fetchRuns: Int
    var fillSeconds: Double
    var samples: Int
    /// The HTTP API's read endpoints, over loopback.
    var endpoints: [Timing]
    /// What operators run beside it: `buddi status` and the monitoring views.
    var operatorQueries: [Timing]
    var targetMs: Double
    var slowestP95Ms: Double
    var withinTarget: Bool
    /// With `--keep`: the filled database, left for a look (`psql`, EXPLAIN).
    var keptDatabase: String?

    package var text: String {
        let rows = (endpoints + operatorQueries).map { timing in
            "  \(timing.name.padding(toLength: 58, withPad: " ", startingAt: 0)) p50 \(String(format: "%7.1f", timing.p50Ms)) ms"
                + "  p95 \(String(format: "%7.1f", timing.p95Ms)) ms" + (timing.p95Ms > targetMs ? "  over \(Int(targetMs)) ms" : "")
        }
        return """
            filled \(conversations) conversations, \(jobs) jobs and \(fetchRuns) fetch runs in \(String(format: "%.1f", fillSeconds)) s
            \(samples) sequential calls each:
            \(rows.joined(separator: "\n"))
            slowest p95 \(String(format: "%.1f", slowestP95Ms)) ms: \(withinTarget ? "every read within" : "NOT every read within") \(Int(targetMs)) ms
            """ + (keptDatabase.map { "\nthe filled database is kept: \($0)" } ?? "")
    }

    enum CodingKeys: String, CodingKey {
        case conversations, jobs, samples, endpoints
        case fetchRuns = "fetch_runs"
        case fillSeconds = "fill_seconds"
        case operatorQueries = "operator_queries"
        case targetMs = "target_ms"
        case slowestP95Ms = "slowest_p95_ms"
        case withinTarget = "within_target"
        case keptDatabase = "kept_database"
    }
}

/// `buddi-lab bench api`: fills a scratch database with `conversations` conversations, `jobs`
/// finished jobs and their fetch runs (``APIBenchFill``), then times each read endpoint of the
/// HTTP API (a `buddi serve` in this process, over loopback) and each operator query, `samples`
/// sequential calls each; drops the database afterwards.
package struct APIBenchmark: Sendable {
    let serverURL: DatabaseURL
    let logger: Logger
    let conversations: Int
    let jobs: Int
    let samples: Int
    /// Whether to leave the filled database instead of dropping it.
    let keep: Bool
    /// Told how many rows are in so far, and how many there will be.
    let progress: @Sendable (Int, Int) -> Void

    /// Every read is to answer within this, at p95.
    package static let targetMs = 100.0

    package init(
        serverURL: DatabaseURL, logger: Logger, conversations: Int, jobs: Int, samples: Int = 30, keep: Bool = false,
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) {
        self.serverURL = serverURL
        self.logger = logger
        self.conversations = conversations
        self.jobs = jobs
        self.samples = samples
        self.keep = keep
        self.progress = progress
    }

    /// Fills, measures, then drops the scratch database (unless asked to keep it).
    package func run() async throws -> APIBenchReport {
        guard keep else { return try await ScratchDatabase.with(prefix: "buddi_api", on: serverURL, logger: logger, measure) }
        let database = try await ScratchDatabase.create(prefix: "buddi_api", on: serverURL, logger: logger)
        var report = try await measure(in: database)
        report.keptDatabase = database.database
        return report
    }

    /// Migrates and fills on one client, then reads on a new one: its sessions start with the
    /// database's settings as the migrations left them (`jit`), as a process started after
    /// `buddi migrate` would.
    private func measure(in database: DatabaseURL) async throws -> APIBenchReport {
        let filling = DatabaseClient(configuration: database.clientConfiguration, backgroundLogger: logger)
        let (fetchRuns, fillSeconds) = try await withServicesRunning(client: filling, logger: logger) {
            try await BuddiSchema.migrator(client: filling, logger: logger).migrate()
            let start = ContinuousClock.now
            let fetchRuns = try await fill(client: filling)
            return (fetchRuns, (ContinuousClock.now - start).inSeconds)
        }
        let client = DatabaseClient(configuration: database.clientConfiguration, backgroundLogger: logger)
        return try await withServicesRunning(client: client, logger: logger) {
            let endpoints = try await timeEndpoints(client: client)
            let operatorQueries = try await timeOperatorQueries(client: client)
            let slowest = (endpoints + operatorQueries).map(\.p95Ms).max() ?? 0
            return APIBenchReport(
                conversations: conversations, jobs: jobs, fetchRuns: fetchRuns, fillSeconds: fillSeconds, samples: samples,
                endpoints: endpoints, operatorQueries: operatorQueries, targetMs: Self.targetMs, slowestP95Ms: slowest,
                withinTarget: slowest <= Self.targetMs)
        }
    }

    /// Inserts the rows chunk by chunk, then vacuums and analyzes as autovacuum would have on a
    /// long-lived database; returns how many fetch runs.
    private func fill(client: DatabaseClient) async throws -> Int {
        let fetchRuns = max(1, jobs / 1000)
        let total = conversations + jobs
        var done = 0
        for (count, statement) in [(conversations, APIBenchFill.conversations), (jobs, APIBenchFill.jobs)] {
            for first in stride(from: 1, through: count, by: APIBenchFill.chunk) {
                let last = min(count, first + APIBenchFill.chunk - 1)
                try await client.query(statement(Int64(first), Int64(last), Int64(count)), logger: logger)
                done += last - first + 1
                progress(done, total)
            }
        }
        try await client.query(APIBenchFill.fetchRuns(count: Int64(fetchRuns)), logger: logger)
        try await client.query(APIBenchFill.rejectedMemories, logger: logger)
        for table in ["conversations", "jobs", "fetch_runs", "rejected_memories"] {
            try await client.query(PostgresQuery(unsafeSQL: "VACUUM (ANALYZE) \(table)"), logger: logger)
        }
        return fetchRuns
    }

    /// The read endpoints, each with the path of its n-th call.
    private func endpoints() -> [(name: String, path: @Sendable (Int) -> String)] {
        let (conversations, jobs) = (conversations, jobs)
        let newest = Date().addingTimeInterval(-3600)
        let day = { (daysAgo: Int) in
            newest.addingTimeInterval(Double(-daysAgo) * 86_400).formatted(.iso8601.year().month().day())
        }
        let fixed: [(String, String)] = [
            ("GET /conversations/", "/conversations/"),
            ("GET /conversations/?sentiment=negative", "/conversations/?sentiment=negative"),
            ("GET /conversations/?topic=fitness", "/conversations/?topic=fitness"),
            ("GET /conversations/?category=finance", "/conversations/?category=finance"),
            ("GET /conversations/?min_quality=0.95", "/conversations/?min_quality=0.95"),
            ("GET /conversations/?q=garden", "/conversations/?q=garden"),
            ("GET /conversations/?q=no-such-word", "/conversations/?q=no-such-word"),
            ("GET /conversations/?since=…&until=… (a week)", "/conversations/?since=\(day(60))&until=\(day(53))"),
            ("GET /conversations/?exported=false", "/conversations/?exported=false"),
            ("GET /conversations/?sentiment=positive&topic=work&min_quality=0.5",
             "/conversations/?sentiment=positive&topic=work&min_quality=0.5"),
            ("GET /conversations/?offset=100000 (deepest page)", "/conversations/?offset=\(Paging.maxOffset)"),
            ("GET /conversations/?category=work&offset=50000", "/conversations/?category=work&offset=50000"),
            ("GET /api/jobs", "/api/jobs"),
            ("GET /api/jobs?state=discarded", "/api/jobs?state=discarded"),
            ("GET /api/jobs?kind=fetch", "/api/jobs?kind=fetch"),
            ("GET /api/jobs?offset=100000", "/api/jobs?offset=\(Paging.maxOffset)"),
            ("GET /api/queues", "/api/queues"),
            ("GET /api/rejected-memories", "/api/rejected-memories"),
            ("GET /api/scheduler/status", "/api/scheduler/status"),
            ("GET /metrics", "/metrics"),
            ("GET /health", "/health"),
        ]
        return fixed.map { name, path in (name, { @Sendable _ in path }) } + [
            ("GET /conversations/{id}", { @Sendable call in "/conversations/\(1 + (call * 7919) % max(1, conversations))" }),
            ("GET /api/jobs/{id}", { @Sendable call in "/api/jobs/\(1 + (call * 7919) % max(1, jobs))" }),
        ]
    }

    private func timeEndpoints(client: DatabaseClient) async throws -> [APIBenchReport.Timing] {
        let (ports, announce) = AsyncStream.makeStream(of: Int.self)
        let server = APIServer(
            configuration: .init(host: "127.0.0.1", port: 0), client: client, schedulerDefaults: SchedulerDefaults(),
            onListening: { bound in
                announce.yield(bound)
                announce.finish()
            }, logger: logger)
        let endpoints = endpoints()
        return try await withServicesRunning([server], logger: logger) {
            var port = 0
            for await bound in ports { port = bound }
            let base = "http://127.0.0.1:\(port)"
            var timings: [APIBenchReport.Timing] = []
            for (name, path) in endpoints {
                timings.append(try await time(name) { call in
                    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + path(call)), timeout: .seconds(60))
                    let body = try await response.body.collect(upTo: 64 << 20)
                    guard response.status == .ok else {
                        throw APIBenchError(read: name, detail: "HTTP \(response.status.code): \(String(buffer: body).prefix(300))")
                    }
                })
            }
            return timings
        }
    }

    private func timeOperatorQueries(client: DatabaseClient) async throws -> [APIBenchReport.Timing] {
        let logger = logger
        let settings = SchedulerSettingsStore(client: client, defaults: SchedulerDefaults(), logger: logger)
        var timings = [try await time("buddi status") { _ in
            _ = try await ClusterStatus.read(client: client, settings: settings, logger: logger)
        }]
        for view in Self.monitoringViews {
            timings.append(try await time("SELECT * FROM \(view)") { _ in
                for try await _ in try await client.query(PostgresQuery(unsafeSQL: "SELECT * FROM \(view)"), logger: logger) {}
            })
        }
        return timings
    }

    /// The monitoring views operators query (migrations/…_monitoring_views.sql and later).
    static let monitoringViews = [
        "buddi_fetch_success_rate", "buddi_conversations_processed_per_hour", "buddi_errors_per_hour",
        "buddi_database_growth_per_day", "buddi_queue_depth", "buddi_oldest_waiting_job", "buddi_rejected_memories_per_day",
        "buddi_webhook_deliveries_per_hour",
    ]

    /// Times `samples` calls of `call` (after two unmeasured ones, which warm caches as the first
    /// operator's visit would).
    private func time(_ name: String, _ call: (Int) async throws -> Void) async throws -> APIBenchReport.Timing {
        var milliseconds: [Double] = []
        for index in 0..<(samples + 2) {
            let start = ContinuousClock.now
            try await call(index)
            if index >= 2 { milliseconds.append((ContinuousClock.now - start).inSeconds * 1000) }
        }
        return APIBenchReport.Timing(
            name: name, p50Ms: Percentile.of(milliseconds, 0.50), p95Ms: Percentile.of(milliseconds, 0.95),
            maxMs: milliseconds.max() ?? 0)
    }
}

/// A read that did not answer as it should.
struct APIBenchError: Error, CustomStringConvertible {
    let read: String
    let detail: String

    var description: String { "bench api: \(read) failed: \(detail)" }
}
