import PostgresResilience
import BuddiAPI
import BuddiHTTP
import BuddiLedger
import BuddiPipeline
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle

/// Which services each kind of buddi process runs — a worker, a scheduler, a server, and the demo
/// that runs them all in one process — so that the commands only parse and print, and tests can
/// run the same processes in-process.
enum ProcessServices {
    /// The jobs a worker runs: the pipeline's `fetch` and `process` (with its hooks), and the
    /// diagnostic `probe`.
    static func workerRegistry(client: DatabaseClient, api: BuddiAPIClient, logger: Logger) -> JobRegistry {
        var registry = JobRegistry()
        ProbeJob.register(into: &registry, client: client)
        Pipeline.register(into: &registry, client: client, api: api, ledger: PostgresLedger(client: client, logger: logger), logger: logger)
        return registry
    }

    /// A worker process: `workers` engines running `registry`, and the cluster's maintenance.
    static func worker(
        client: DatabaseClient, registry: JobRegistry, configuration: WorkerConfiguration, workers: Int = 1,
        maintenance: MaintenanceSettings, logger: Logger
    ) -> [any Service] {
        let engines: [any Service] = (0..<workers).map { index in
            var mine = configuration
            if workers > 1 { mine.workerID = WorkerConfiguration.defaultWorkerID() }
            return JobWorker(client: client, registry: registry, configuration: mine, logger: logger)
        }
        return engines + ClusterMaintenance.services(client: client, settings: maintenance, logger: logger)
    }

    /// A scheduler process: it announces its settings, campaigns in the scheduler's election,
    /// enqueues the scheduled fetches while it leads, and takes part in maintenance (unless
    /// `maintenance` is nil: another service of the process does).
    static func scheduler(
        client: DatabaseClient, defaults: SchedulerDefaults, lease: Duration, tick: Duration, maintenance: MaintenanceSettings?,
        logger: Logger
    ) -> [any Service] {
        let elector = LeaderElector(name: Scheduler.electionName, client: client, ttl: lease, renewInterval: lease / 3, logger: logger)
        let settings = SchedulerSettingsStore(client: client, defaults: defaults, logger: logger)
        let scheduler = Scheduler(
            elector: elector, requests: FetchRequests(client: client, settings: settings, logger: logger), tickInterval: tick, logger: logger)
        return [SettingsAnnouncer(settings: settings, logger: logger), elector, scheduler]
            + (maintenance.map { ClusterMaintenance.services(client: client, settings: $0, logger: logger) } ?? [])
    }

    /// A server process: the HTTP API, with this process's own metrics after the cluster's, and
    /// the database's disk as `disk` tells it.
    static func server(
        client: DatabaseClient, configuration: APIServer.Configuration, defaults: SchedulerDefaults,
        disk: @escaping @Sendable () -> DiskCondition, onListening: @escaping @Sendable (Int) async -> Void, logger: Logger
    ) -> [any Service] {
        _ = ProcessMetrics.registry
        return [APIServer(
            configuration: configuration, client: client, schedulerDefaults: defaults, processMetrics: ProcessMetrics.render,
            disk: disk, onListening: onListening, logger: logger)]
    }
}

/// Creates the settings row on first start and logs the settings a scheduler starts with.
struct SettingsAnnouncer: Service {
    let settings: SchedulerSettingsStore
    let logger: Logger

    func run() async throws {
        let current = try await settings.current()
        logger.info("scheduler starting", metadata: [
            "enabled": "\(current.enabled)", "fetch_interval_hours": "\(current.fetchIntervalHours)",
            "max_conversations_per_fetch": "\(current.maxConversationsPerFetch)",
        ])
    }
}
