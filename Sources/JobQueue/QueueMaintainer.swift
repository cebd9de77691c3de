import PostgresResilience
import Logging
import PostgresNIO
import ServiceLifecycle

/// The queue's maintenance, run by one process of the cluster at a time: every process that
/// runs a maintainer campaigns in the same election, and only its leader rescues expired leases,
/// prunes finished jobs and runs the application's own leader-only duties. So maintenance runs
/// as long as any process is up, and not once per process.
public struct QueueMaintainer: Service {
    /// How maintenance is elected and paced.
    public struct Configuration: Sendable {
        /// The election's name: processes of one cluster share it.
        public var electionName: String
        /// How long a leader's lease lasts: how soon another process takes over after it dies.
        public var leaseDuration: Duration
        /// How often expired leases are rescued.
        public var rescueInterval: Duration
        /// How long finished jobs are kept.
        public var retention: RetentionPolicy

        /// A configuration; the defaults suit most clusters.
        public init(
            electionName: String = LeaderElector.maintenanceElection, leaseDuration: Duration = .seconds(10),
            rescueInterval: Duration = .seconds(5), retention: RetentionPolicy = RetentionPolicy()
        ) {
            self.electionName = electionName
            self.leaseDuration = leaseDuration
            self.rescueInterval = rescueInterval
            self.retention = retention
        }
    }

    /// The election this maintainer campaigns in.
    public let elector: LeaderElector
    private let duties: [any Service]
    private let logger: Logger

    /// A maintainer over `client`'s database. `hooks` run when a rescue ends a job; `duties` are
    /// the application's leader-only services (run while this process leads, cancelled when it
    /// stops leading).
    public init(
        client: DatabaseClient, configuration: Configuration = Configuration(), hooks: JobHooks = JobHooks(),
        duties: [any Service] = [], logger: Logger
    ) {
        self.elector = LeaderElector(
            name: configuration.electionName, client: client, ttl: configuration.leaseDuration,
            renewInterval: configuration.leaseDuration / 3, logger: logger)
        self.duties = [
            LeaseRescuer(client: client, interval: configuration.rescueInterval, hooks: hooks, logger: logger),
            JobPruner(client: client, retention: configuration.retention, logger: logger),
        ] + duties
        self.logger = logger
    }

    /// Campaigns, and runs the duties while leading, until graceful shutdown.
    public func run() async throws {
        let services: [any Service] = [elector] + duties.map { LeaderOnly($0, elector: elector, logger: logger) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in services {
                group.addTask { try await service.run() }
            }
            try await group.waitForAll()
        }
    }
}
