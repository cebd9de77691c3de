import BuddiRuntime
import ArgumentParser
import BuddiAPI
import BuddiLedger
import BuddiPipeline
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle

/// `buddi worker`: claims and runs jobs until SIGTERM/SIGINT.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run jobs from the queue until SIGTERM or SIGINT.",
        discussion: """
            On SIGTERM/SIGINT the worker stops claiming, lets running jobs finish within the grace \
            period, releases the rest back to the queue without counting the attempt, records every \
            outcome and exits 0. While it leads the `maintenance` election (one process of the cluster \
            does) it also rescues jobs whose lease expired, prunes old finished jobs and seals ledger \
            anchors into blocks. It runs the pipeline's `fetch` and `process` jobs (Buddi API \
            from BUDDI_API_BASE_URL, BUDDI_API_KEY, BUDDI_API_REQUESTS_PER_SECOND) and the `probe` diagnostic.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var metrics: MetricsOptions
    @OptionGroup var maintenance: MaintenanceOptions

    @Option(name: .customLong("queue"), help: "A queue to claim from (repeatable).")
    var queues: [String] = ["default"]

    @Option(help: "How many jobs to run at once.")
    var concurrency = 10

    @Option(help: "The most jobs one claim takes.")
    var claimBatch = 100

    @OptionGroup var completion: CompletionDelayOption

    @Option(help: "Seconds a claimed job stays leased without a heartbeat.")
    var leaseSeconds = 30.0

    @Option(help: "Milliseconds between polls when idle (notifications wake it sooner).")
    var pollIntervalMs = 1000

    @Option(help: "Seconds running jobs get to finish on shutdown before they are released.")
    var shutdownGraceSeconds = 20.0

    @Option(help: "Milliseconds of backoff after a first failure (doubling per attempt).")
    var retryBaseMs = 1000

    @Option(help: "The longest backoff, in seconds.")
    var retryCapSeconds = 3600.0

    @Option(name: .customLong("timeout"), help: "KIND=SECONDS: how long one attempt of a job kind may run before it is cancelled and fails as timed out (repeatable; defaults: fetch=1800, process=300; a job's own timeout wins).")
    var timeouts: [String] = []

    /// The `--timeout` settings, by kind.
    func kindTimeouts() throws -> [(kind: String, timeout: Duration)] {
        try timeouts.map { setting in
            let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let seconds = Double(parts[1]), seconds >= 0.001, seconds <= JobLimits.longestTimeout.inSeconds else {
                throw ValidationError("--timeout must be KIND=SECONDS with seconds from 0.001 to \(Int(JobLimits.longestTimeout.inSeconds)) (a week), got '\(setting)'")
            }
            return (parts[0], .milliseconds(Int64((seconds * 1000).rounded())))
        }
    }

    func validate() throws {
        try completion.check(against: workerConfiguration)
        do {
            try workerConfiguration.validate()
        } catch {
            throw ValidationError(error.description)
        }
        _ = try kindTimeouts()
    }

    var workerConfiguration: WorkerConfiguration {
        WorkerConfiguration(
            queues: queues, concurrency: concurrency, claimBatchSize: claimBatch,
            completionDelay: completion.delay, pollInterval: .milliseconds(pollIntervalMs), leaseDuration: .seconds(leaseSeconds),
            shutdownGrace: .seconds(shutdownGraceSeconds),
            backoff: JobBackoff(base: .milliseconds(retryBaseMs), cap: .seconds(retryCapSeconds)))
    }

    func run() async throws {
        // Every setting this process reads, checked before anything starts.
        try BuddiEnvironment.current.check([.database, .api, .tracing])
        let logger = logging.logger
        let url = try await database.resolveURL(logger: logger, waiting: true)
        let client = try database.client(of: url, logger: logger)
        try await BuddiAPIClient.withClient(configuration: try BuddiEnvironment.current.api(), logger: logger) { api in
            var registry = ProcessServices.workerRegistry(client: client, api: api, logger: logger)
            for (kind, timeout) in try kindTimeouts() {
                guard registry.kinds.contains(kind) else {
                    throw CLIError(description: "--timeout names job kind '\(kind)', which this worker does not run (it runs: \(registry.kinds.joined(separator: ", ")))")
                }
                registry.setTimeout(timeout, for: kind)
            }
            let services = ProcessServices.worker(
                client: client, registry: registry, configuration: workerConfiguration, maintenance: maintenance.settings, logger: logger)
            let extra = metrics.services(disk: database.diskWatch(client: client, logger: logger).condition, logger: logger)
                + database.supervision(client: client, logger: logger)
            try await ProcessRunner(client: client, schema: database.schemaPolicy, services: services + extra, logger: logger)
                .runUntilSignalled(tracedAs: "buddi-worker")
        }
    }
}
