import BuddiRuntime
import ArgumentParser
import BuddiPipeline
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle

/// `buddi scheduler`: one replica of the scheduler. Run several for failover.
struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Enqueue scheduled fetches, leader-elected among replicas, until SIGTERM or SIGINT.",
        discussion: """
            Replicas campaign for leadership through the database; only the leader enqueues, each \
            scheduled fetch in a transaction fenced on its term and with its time slot as a unique key. \
            When the leader dies another takes over once its lease expires (--lease-seconds); on SIGTERM \
            it resigns at once. Settings (enabled, interval, maximum per fetch) live in the database: \
            `buddi start`, `buddi stop`, `buddi config`; SCHEDULER_FETCH_INTERVAL_HOURS and \
            SCHEDULER_MAX_CONVERSATIONS_PER_FETCH give their defaults on first start. Like workers, \
            schedulers also campaign to run maintenance (lease rescue, pruning, ledger sealing).
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var metrics: MetricsOptions
    @OptionGroup var maintenance: MaintenanceOptions

    @Option(help: "Seconds between two looks at whether a fetch is due.")
    var tickSeconds = 5.0

    @Option(help: "Seconds a scheduler leader's lease lasts without renewal: the longest a dead leader delays the takeover.")
    var leaseSeconds = 15.0

    func validate() throws {
        if tickSeconds <= 0 { throw ValidationError("--tick-seconds must be positive, got \(tickSeconds)") }
        if leaseSeconds < 1 { throw ValidationError("--lease-seconds must be at least 1, got \(leaseSeconds)") }
    }

    func run() async throws {
        // Every setting this process reads, checked before anything starts.
        try BuddiEnvironment.current.check([.database, .scheduler, .tracing])
        let logger = logging.logger
        let defaults = try BuddiEnvironment.current.scheduler()
        let url = try await database.resolveURL(logger: logger, waiting: true)
        let client = try database.client(of: url, logger: logger)
        let services = ProcessServices.scheduler(
            client: client, defaults: defaults, lease: .seconds(leaseSeconds), tick: .seconds(tickSeconds),
            maintenance: maintenance.settings, logger: logger)
        let extra = metrics.services(disk: database.diskWatch(client: client, logger: logger).condition, logger: logger)
                + database.supervision(client: client, logger: logger)
        try await ProcessRunner(client: client, schema: database.schemaPolicy, services: services + extra, logger: logger)
            .runUntilSignalled(tracedAs: "buddi-scheduler")
    }
}
