import Foundation
import Logging
import PostgresServer
import ServiceLifecycle

/// Keeps the embedded cluster running under a long-running process: looks every ``interval``
/// and starts a stopped cluster again, saying why it stopped (the server log's last lines).
/// Several processes on one cluster do not fight over it: a start takes the cluster's file lock
/// and finds it running when another process got there first.
///
/// ```swift
/// let supervisor = ClusterSupervisor(cluster: EmbeddedPostgres(dataDirectory: directory), logger: logger)
/// try await withServicesRunning([supervisor] + services, client: client, logger: logger) { … }
/// ```
package struct ClusterSupervisor: Service {
    /// How often the cluster is looked at. Defaults to 2 seconds.
    package static let intervalDefault: Duration = .seconds(2)
    /// The longest wait between failed starts (a full disk, say), which double from the
    /// interval. Defaults to 30 seconds.
    package static let longestBackoff: Duration = .seconds(30)
    let cluster: EmbeddedPostgres
    let interval: Duration
    let logger: Logger

    /// A supervisor of `cluster`, looking every `interval`.
    package init(cluster: EmbeddedPostgres, interval: Duration = intervalDefault, logger: Logger) {
        self.cluster = cluster
        self.interval = interval
        self.logger = logger
    }

    /// Looks until graceful shutdown or cancellation.
    package func run() async {
        await cancelWhenGracefulShutdown {
            var wait = interval
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: wait)
                } catch {
                    return
                }
                wait = await superviseOnce() ? interval : min(wait * 2, Self.longestBackoff)
            }
        }
    }

    /// Starts the cluster if it has stopped; returns false when it could not be started.
    func superviseOnce() async -> Bool {
        do {
            guard try cluster.status() == .stopped else { return true }
            logger.error("the embedded PostgreSQL cluster has stopped; starting it again", metadata: [
                "data_dir": "\(cluster.dataDirectory)", "server_log": "\(cluster.logTail())"])
            try await cluster.start(logger: logger)
            logger.info("started the embedded PostgreSQL cluster again")
            return true
        } catch {
            logger.error("could not start the embedded PostgreSQL cluster; trying again", metadata: [
                "error": "\(error)", "server_log": "\(cluster.logTail())"])
            return false
        }
    }
}
