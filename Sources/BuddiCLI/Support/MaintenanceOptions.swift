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

    @Option(help: "Seconds between sweeps for conversations left pending with nothing to process them.")
    var sweepIntervalSeconds = StrandedSweeper.intervalDefault.inSeconds

    @Option(help: "Seconds a pending conversation must have waited, with no process job or fetch checkpoint covering it, before a sweep enqueues its processing.")
    var sweepGraceSeconds = StrandedSweeper.graceDefault.inSeconds

    func validate() throws {
        if rescueIntervalSeconds <= 0 { throw ValidationError("--rescue-interval-seconds must be positive, got \(rescueIntervalSeconds)") }
        if maintenanceLeaseSeconds < 1 { throw ValidationError("--maintenance-lease-seconds must be at least 1, got \(maintenanceLeaseSeconds)") }
        // Inf and nan parse as doubles: the bounds refuse them too.
        let longest = StrandedSweeper.longestSetting.inSeconds
        if !(sweepIntervalSeconds > 0 && sweepIntervalSeconds <= longest) {
            throw ValidationError("--sweep-interval-seconds must be above 0 and at most \(Int(longest)) (a week), got \(sweepIntervalSeconds)")
        }
        if !(sweepGraceSeconds >= 0 && sweepGraceSeconds <= longest) {
            throw ValidationError("--sweep-grace-seconds must be from 0 to \(Int(longest)) (a week), got \(sweepGraceSeconds)")
        }
    }

    /// The settings these options give.
    var settings: MaintenanceSettings {
        MaintenanceSettings(
            rescueInterval: .seconds(rescueIntervalSeconds), leaseDuration: .seconds(maintenanceLeaseSeconds),
            sweepInterval: .seconds(sweepIntervalSeconds), sweepGrace: .seconds(sweepGraceSeconds))
    }

    /// The maintainer and the leader-only duties.
    func services(client: DatabaseClient, logger: Logger) -> [any Service] {
        ClusterMaintenance.services(client: client, settings: settings, logger: logger)
    }
}
