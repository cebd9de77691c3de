import ArgumentParser
import BuddiLedger
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle

/// The cluster's maintenance duties — lease rescue, pruning and ledger sealing — run by one
/// process at a time: every worker and scheduler campaigns in the `maintenance` election, and
/// only its leader runs them. So they run as long as any buddi process is up, and not N times.
enum Maintenance {
    /// The election every worker and scheduler campaigns in.
    static let electionName = "maintenance"

    /// The elector and the leader-only duties, to run beside a process's own services.
    static func services(client: PostgresClient, rescueInterval: Duration, electionTTL: Duration, logger: Logger) -> [any Service] {
        let elector = LeaderElector(name: electionName, client: client, ttl: electionTTL, renewInterval: electionTTL / 3, logger: logger)
        let duties: [any Service] = [
            LeaseRescuer(client: client, interval: rescueInterval, logger: logger),
            JobPruner(client: client, logger: logger),
            LedgerSealer(client: client, logger: logger),
        ]
        return [elector] + duties.map { LeaderOnly($0, elector: elector, logger: logger) }
    }
}

/// The maintenance options of the processes that campaign for it (workers and schedulers).
struct MaintenanceOptions: ParsableArguments {
    @Option(help: "Seconds between lease-rescue rounds (while this process leads maintenance).")
    var rescueIntervalSeconds = 5.0

    @Option(help: "Seconds a maintenance leader's lease lasts: how soon another process takes over maintenance after it dies.")
    var maintenanceLeaseSeconds = 10.0

    func validate() throws {
        if rescueIntervalSeconds <= 0 { throw ValidationError("--rescue-interval-seconds must be positive, got \(rescueIntervalSeconds)") }
        if maintenanceLeaseSeconds < 1 { throw ValidationError("--maintenance-lease-seconds must be at least 1, got \(maintenanceLeaseSeconds)") }
    }

    /// The elector and the leader-only duties.
    func services(client: PostgresClient, logger: Logger) -> [any Service] {
        Maintenance.services(
            client: client, rescueInterval: .seconds(rescueIntervalSeconds), electionTTL: .seconds(maintenanceLeaseSeconds), logger: logger)
    }
}
