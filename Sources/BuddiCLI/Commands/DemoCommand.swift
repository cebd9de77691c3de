import BuddiRuntime
import PostgresResilience
import ArgumentParser
import BuddiAPI
import BuddiPipeline
import BuddiHTTP
import BuddiLedger
import BuddiSimulator
import Foundation
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle
import UnixSignals

/// `buddi demo`: all of buddi in one process on the embedded default.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run all of buddi on the embedded default: simulator, scheduler, workers and the API.",
        discussion: """
            Starts the Buddi API simulator, migrates the database (the embedded cluster unless \
            DATABASE_URL is set), and runs the scheduler, workers and the HTTP API together; triggers a \
            fetch, shows its progress and prints a summary, then shows the new memories the simulator \
            pushes to the webhook endpoint (one a second, signed) as they are stored, and keeps the API \
            up until Ctrl-C. With --once it exits after the summary and three pushed memories, and leaves \
            the data, so `buddi serve` shows it.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    @Flag(help: "Exit after the summary.")
    var once = false

    @Option(help: "How many memories the simulator holds (and the fetch takes).")
    var memories = 500

    @Option(help: "Worker processes' worth of workers to run in this process.")
    var workers = 2

    @Option(help: "The API's port.")
    var port = 8000

    func validate() throws {
        if !(1...100_000).contains(memories) { throw ValidationError("--memories must be from 1 to 100000, got \(memories)") }
        if !(1...16).contains(workers) { throw ValidationError("--workers must be from 1 to 16, got \(workers)") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
    }

    func run() async throws {
        // Every setting this process reads, checked before anything starts.
        try BuddiEnvironment.current.check([.database, .api, .scheduler, .tracing])
        _ = try BuddiEnvironment.current.access()
        _ = try BuddiEnvironment.current.traceURLs()
        let logger = BuddiEnvironment.current.logLevel == nil ? BuddiLogging.quiet(logging.logger) : logging.logger
        let defaults = try BuddiEnvironment.current.scheduler()
        say("starting: database…")
        // New memories arrive once a second and are pushed, signed, to this process's webhook endpoint.
        let webhooks = try BuddiEnvironment.current.webhooks() ?? APIServer.WebhookSettings(secrets: [WebhookSecret.random()])
        var pushing = SimulatorConfiguration(port: 0, apiKey: "demo", memoryCount: memories)
        if port != 0, let url = URL(string: "http://127.0.0.1:\(port)\(APIServer.webhookPath)") {
            pushing.arrivalRate = 1
            pushing.webhook = WebhookPlan(url: url, secret: webhooks.secrets[0], backoffScale: 0.2)
        }
        let simulator = pushing
        try await BuddiTracing.run(serviceName: "buddi-demo", logger: logger) {
            try await database.withDatabase(logger: logger) { client, _ in
                try await BuddiSimulator.withRunning(simulator, logger: logger) { _, baseURL in
                    say("Buddi API simulator at \(baseURL) with \(memories) memories")
                    let api = BuddiAPIConfiguration(baseURL: baseURL, apiKey: BuddiAPIKey("demo"), requestsPerSecond: 1000, burst: 100)
                    try await BuddiAPIClient.withClient(configuration: api, logger: logger) { api in
                        try await runAll(client: client, api: api, defaults: defaults, webhooks: webhooks, logger: logger)
                    }
                }
            }
        }
    }

    private func runAll(
        client: DatabaseClient, api: BuddiAPIClient, defaults: SchedulerDefaults, webhooks: APIServer.WebhookSettings, logger: Logger
    ) async throws {
        let settings = SchedulerSettingsStore(client: client, defaults: defaults, logger: logger)
        let requests = FetchRequests(client: client, settings: settings, logger: logger)
        // Enqueued before the scheduler starts: it sees a fetch in progress and waits its interval.
        let fetchID = try await requests.requestManual(try ManualFetch(maxConversations: memories), force: true)
        say("fetch job \(fetchID) enqueued")
        // One process plays every part: workers, a scheduler, the server; maintenance once.
        let maintenance = MaintenanceSettings(leaseDuration: .seconds(15))
        let workers = ProcessServices.worker(
            client: client, registry: ProcessServices.workerRegistry(client: client, api: api, logger: logger),
            configuration: WorkerConfiguration(), workers: self.workers, maintenance: maintenance, logger: logger)
        let scheduler = ProcessServices.scheduler(
            client: client, defaults: defaults, lease: .seconds(15), tick: .seconds(5), maintenance: nil, logger: logger)
        let server = ProcessServices.server(
            client: client, configuration: .init(
                port: port, access: try BuddiEnvironment.current.access(), webhooks: webhooks, traceURLs: try BuddiEnvironment.current.traceURLs()),
            defaults: defaults,
            disk: database.diskWatch(client: client, logger: logger).condition,
            onListening: { port in say("console and HTTP API at http://127.0.0.1:\(port)/") }, logger: logger)
        try await withServicesRunning(workers + scheduler + server + database.supervision(client: client, logger: logger), logger: logger) {
            try await DemoNarrator(client: client, fetchID: fetchID, logger: logger).follow()
            let arrivals = WebhookArrivals(client: client, logger: logger)
            guard !once else {
                if port != 0 { try await arrivals.tell(atLeast: 3, within: .seconds(20)) }
                return
            }
            say("the API stays up at http://127.0.0.1:\(port) (try: curl -s localhost:\(port)/conversations/ | jq .total); Ctrl-C to stop")
            let telling = Task { try await arrivals.tell(atLeast: .max, within: .seconds(86_400 * 365)) }
            for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) { break }
            telling.cancel()
            say("stopping")
        }
    }
}

/// Prints a line of the demo's story on stdout.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data("buddi demo: \(line)\n".utf8))
}

/// Follows the demo's fetch and its processing, then prints the summary.
struct DemoNarrator {
    let client: DatabaseClient
    let fetchID: Int64
    let logger: Logger

    func follow() async throws {
        let bar = TerminalProgress("buddi demo: processing", unit: "conversations")
        _ = try await FetchFollower(client: client, logger: logger).follow(
            fetchID, report: { bar.note("buddi demo: " + $0) }, progress: { bar.update($0, of: $1) })
        bar.finish()
        _ = try await LedgerSealer(client: client, logger: logger).sealPending()
        let report = try await ConversationVerifier(client: client, logger: logger).verifyAll()
        let run = try await FetchRuns.run(jobID: fetchID, client: client, logger: logger)
        let summary = try await ConversationSummary.read(client: client, logger: logger)
        let total = summary.sentiment.reduce(0) { $0 + $1.count }
        FileHandle.standardOutput.write(Data("""

            ── buddi demo summary ──────────────────────────────
            fetched:     \(run?.memoriesSeen ?? 0) memories in \(run?.pages ?? 0) pages (\(String(format: "%.2f", run?.durationSeconds ?? 0)) s)
            new:         \(run?.new ?? 0)
            duplicates:  \(run?.duplicates ?? 0)
            sentiment:   \(summary.sentiment.map { "\($0.label) \($0.count) (\(total > 0 ? 100 * $0.count / total : 0)%)" }.joined(separator: ", "))
            top topics:  \(summary.topTopics.map { "\($0.topic) (\($0.count))" }.joined(separator: ", "))
            ledger:      \(report.problems.isEmpty ? "verified, \(report.checked) conversations, chain intact" : "\(report.problems.count) PROBLEMS: \(report.problems.prefix(3).joined(separator: "; "))")
            ─────────────────────────────────────────────────────

            """.utf8))
        if !report.problems.isEmpty { throw CLIError(description: "the ledger did not verify") }
    }
}
