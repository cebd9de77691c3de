import PostgresResilience
import BuddiLedger
import BuddiPipeline
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle

/// The cluster's maintenance duties — lease rescue, pruning and ledger sealing — run by one
/// process at a time: every worker and scheduler campaigns in the `maintenance` election, and
/// only its leader runs them. So they run as long as any buddi process is up, and not N times.
enum ClusterMaintenance {
    /// The election every worker and scheduler campaigns in.
    static let electionName = LeaderElector.maintenanceElection

    /// The engine's maintainer, with the pipeline's hooks and the leader-only sealing of the
    /// ledger, to run beside a process's own services.
    static func services(client: DatabaseClient, settings: MaintenanceSettings, logger: Logger) -> [any Service] {
        let configuration = QueueMaintainer.Configuration(
            electionName: electionName, leaseDuration: settings.leaseDuration, rescueInterval: settings.rescueInterval)
        return [QueueMaintainer(
            client: client, configuration: configuration, hooks: Pipeline.hooks,
            duties: [LedgerSealer(client: client, logger: logger)],
            logger: logger)]
    }
}

/// How the cluster's maintenance is paced.
struct MaintenanceSettings: Sendable {
    /// Between lease-rescue rounds (while this process leads maintenance).
    var rescueInterval: Duration
    /// How long a maintenance leader's lease lasts: how soon another process takes over after it dies.
    var leaseDuration: Duration

    /// The settings; the defaults are those of `buddi worker` and `buddi scheduler`.
    init(rescueInterval: Duration = .seconds(5), leaseDuration: Duration = .seconds(10)) {
        self.rescueInterval = rescueInterval
        self.leaseDuration = leaseDuration
    }
}
