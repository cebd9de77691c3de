import PostgresResilience
import ArgumentParser
import BuddiPipeline
import BuddiRuntime
import PostgresNIO
import Logging
import ServiceLifecycle

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

    /// The settings these options give.
    var settings: MaintenanceSettings {
        MaintenanceSettings(
            rescueInterval: .seconds(rescueIntervalSeconds), leaseDuration: .seconds(maintenanceLeaseSeconds))
    }

    /// The maintainer and the leader-only duties.
    func services(client: DatabaseClient, logger: Logger) -> [any Service] {
        ClusterMaintenance.services(client: client, settings: settings, logger: logger)
    }
}
